import { Module } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { AirtableModule } from '../airtable/airtable.module';
import { RedisService } from '../redis/redis.service';
import { DATABASE } from '../storage/database';
import { StorageModule } from '../storage/storage.module';
import { ConnectionStore } from './connection.store';
import { KeepAliveService } from './keep-alive.service';
import { RedisConnectionStore } from './redis-connection.store';
import { SqliteConnectionStore } from './sqlite-connection.store';
import { TokenCipher } from './token-cipher';
import { TokenService } from './token.service';

@Module({
  imports: [StorageModule, AirtableModule],
  providers: [
    {
      provide: ConnectionStore,
      inject: [RedisService, TokenCipher, DATABASE],
      useFactory: (redis: RedisService, cipher: TokenCipher, db: Database.Database | null) =>
        redis.enabled ? new RedisConnectionStore(redis, cipher) : new SqliteConnectionStore(db!, cipher),
    },
    TokenCipher,
    TokenService,
    KeepAliveService,
  ],
  exports: [ConnectionStore, TokenService],
})
export class ConnectionsModule {}
