import { Module } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { appConfig, type AppConfig } from '../config/app.config';
import { ConnectionsModule } from '../connections/connections.module';
import { RedisService } from '../redis/redis.service';
import { DATABASE } from '../storage/database';
import { StorageModule } from '../storage/storage.module';
import { RedisSessionStore } from './redis-session.store';
import { SessionGuard } from './session.guard';
import { SessionService } from './session.service';
import { SessionStore } from './session.store';
import { SqliteSessionStore } from './sqlite-session.store';

@Module({
  imports: [StorageModule, ConnectionsModule],
  providers: [
    {
      provide: SessionStore,
      inject: [RedisService, appConfig.KEY, DATABASE],
      useFactory: (redis: RedisService, config: AppConfig, db: Database.Database | null) =>
        redis.enabled ? new RedisSessionStore(redis, config) : new SqliteSessionStore(db!, config),
    },
    SessionService,
    SessionGuard,
  ],
  exports: [SessionService, SessionGuard],
})
export class SessionsModule {}
