import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { DistributedLock, LocalLock } from '../common/distributed-lock';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { tokensConfig, type TokensConfig } from '../config/tokens.config';
import { RedisLock } from '../redis/redis-lock';
import { RedisService } from '../redis/redis.service';
import { DATABASE, openDatabase } from './database';

/**
 * Where shared state lives: the embedded SQLite database by default (null when REDIS_URL is set, so it
 * is never opened), and the lock that serializes work across instances.
 */
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [tokensConfig.KEY, RedisService],
      useFactory: (config: TokensConfig, redis: RedisService) => (redis.enabled ? null : openDatabase(config.databasePath)),
    },
    {
      provide: DistributedLock,
      inject: [RedisService, airtableConfig.KEY],
      // Held at most through a paced, timed-out Airtable call; twice that is a safe expiry.
      useFactory: (redis: RedisService, airtable: AirtableConfig) =>
        redis.enabled ? new RedisLock(redis, 2 * (airtable.timeoutMs + airtable.rateLimitMaxWaitMs)) : new LocalLock(),
    },
  ],
  exports: [DATABASE, DistributedLock],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database.Database | null) {}

  onApplicationShutdown(): void {
    this.db?.close();
  }
}
