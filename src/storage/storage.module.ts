import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { BasePacer } from '../airtable/base-pacer';
import { DistributedLock } from '../common/distributed-lock';
import type { Config } from '../config/config';
import { ConnectionStore } from '../connections/connection.store';
import { WebhookStore } from '../webhooks/webhook.store';
import { ApiKeyStore } from '../api-keys/api-key.store';
import { ConnectLinkStore } from '../connect/connect-link.store';
import { OutboxStore } from '../events/outbox.store';
import { IdempotencyStore } from '../records/idempotency.store';
import { SessionStore } from '../sessions/session.store';
import { LocalLock } from './memory/local-lock';
import { memoryProviders } from './memory/memory.providers';
import { PostgresAdvisoryLock } from './sql/postgres-advisory-lock';
import { lockHoldMs, redisProbe, redisProviders } from './redis/redis.providers';
import { RedisService } from './redis/redis.service';
import type { SqlSchema } from './sql/sql-database';
import { SQL_DATABASE, sqlProbe, sqlProviders } from './sql/sql.providers';
import { StoragePurge } from './storage-purge.job';
import { PENDING_LOGINS, SCHEMA_CACHE, STORE_PROBES, THROTTLER_STORAGE } from './storage.tokens';

/**
 * The one place that picks the backends. Durable state (connections, sessions) lives in SQL:
 * PostgreSQL with DATABASE_URL, else SQLite. Ephemeral shared state (pending logins, caches, locks,
 * pacing, limits) lives in Redis with REDIS_URL, else in this process. Features get the interfaces.
 */
@Global()
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(SQL_DATABASE) private readonly db: Kysely<SqlSchema>) {}

  static forRoot(config: Config): DynamicModule {
    const probes = {
      provide: STORE_PROBES,
      inject: [SQL_DATABASE, { token: RedisService, optional: true }],
      useFactory: (db: Kysely<SqlSchema>, redis?: RedisService) => [sqlProbe(db, config.database.timeoutMs), ...(redis ? [redisProbe(redis)] : [])],
    };
    return {
      module: StorageModule,
      providers: [
        StoragePurge,
        ...sqlProviders(config),
        ...(config.redis.url ? redisProviders(config) : [...memoryProviders(config), lockWithoutRedis(config)]),
        probes,
      ],
      exports: [
        ConnectionStore, SessionStore, IdempotencyStore, ApiKeyStore, ConnectLinkStore, OutboxStore, WebhookStore,
        PENDING_LOGINS, SCHEMA_CACHE, THROTTLER_STORAGE, BasePacer, DistributedLock, STORE_PROBES,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

/**
 * Without Redis: a fleet on PostgreSQL still refreshes each connection once (an advisory lock); a
 * single instance on SQLite needs nothing more than SingleFlight.
 */
function lockWithoutRedis(config: Config): Provider {
  const { url, timeoutMs } = config.database;
  return {
    provide: DistributedLock,
    // Without Redis every instance caches schemas itself, so only the refresh needs the fleet: the
    // schema fetch's lock would serialize the fleet for nothing (and nest a refresh inside it).
    useFactory: () => (url ? new PostgresAdvisoryLock(url, lockHoldMs(config), timeoutMs, (name) => name.startsWith('refresh:')) : new LocalLock()),
  };
}
