import { Logger, type Provider } from '@nestjs/common';
import { type Kysely, sql } from 'kysely';
import { Clock } from '../../common/clock';
import type { Config } from '../../config/config';
import { ConnectionStore } from '../../connections/connection.store';
import { TokenCipher } from '../../connections/token-cipher';
import { SessionStore } from '../../sessions/session.store';
import { withinTime } from '../store-unavailable';
import type { StoreProbe } from '../storage.tokens';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlConnectionStore } from './sql-connection.store';
import { SqlSessionStore } from './sql-session.store';
import { IdempotencyStore } from '../../records/idempotency.store';
import { SqlIdempotencyStore } from './sql-idempotency.store';
import { ApiKeyStore } from '../../api-keys/api-key.store';
import { SqlApiKeyStore } from './sql-api-key.store';
import { ConnectLinkStore } from '../../connect/connect-link.store';
import { SqlConnectLinkStore } from './sql-connect-link.store';
import { OutboxStore } from '../../events/outbox.store';
import { SqlOutboxStore } from './sql-outbox.store';
import { WebhookStore } from '../../webhooks/webhook.store';
import { SqlWebhookStore } from './sql-webhook.store';

export const SQL_DATABASE = Symbol('SQL_DATABASE');

type ClockedSqlStore = new (db: Kysely<SqlSchema>, clock: Clock, timeoutMs: number) => object;

/**
 * Durable state (connections, sessions, idempotency keys, API keys, connect links, the event outbox,
 * webhooks) in PostgreSQL or SQLite, migrated to the latest schema at start.
 */
export function sqlProviders(config: Config): Provider[] {
  const { url, path, timeoutMs } = config.database;
  if (config.redis.url && !url) {
    new Logger('Storage').warn(`REDIS_URL is set but DATABASE_URL is not: connections and sessions stay in the local SQLite file ${path}, which other instances do not share`);
  }
  return [
    {
      provide: SQL_DATABASE,
      useFactory: async () => {
        const db = openSqlDatabase({ url, path, timeoutMs });
        await migrateToLatest(db);
        return db;
      },
    },
    TokenCipher,
    {
      provide: ConnectionStore,
      inject: [SQL_DATABASE, TokenCipher],
      useFactory: (db: Kysely<SqlSchema>, cipher: TokenCipher) => new SqlConnectionStore(db, cipher, { timeoutMs }),
    },
    {
      provide: SessionStore,
      inject: [SQL_DATABASE, Clock],
      useFactory: (db: Kysely<SqlSchema>, clock: Clock) => new SqlSessionStore(db, config.app, { timeoutMs, clock }),
    },
    {
      provide: WebhookStore,
      inject: [SQL_DATABASE, TokenCipher],
      useFactory: (db: Kysely<SqlSchema>, cipher: TokenCipher) => new SqlWebhookStore(db, cipher, timeoutMs),
    },
    // The stores whose times are the database's: they need only the database and the timeout.
    ...[
      [IdempotencyStore, SqlIdempotencyStore],
      [OutboxStore, SqlOutboxStore],
    ].map(([provide, Store]) => ({
      provide,
      inject: [SQL_DATABASE],
      useFactory: (db: Kysely<SqlSchema>) => new (Store as new (db: Kysely<SqlSchema>, timeoutMs: number) => object)(db, timeoutMs),
    })),
    // The stores that need only the database, the clock and the timeout.
    ...[
      [ApiKeyStore, SqlApiKeyStore],
      [ConnectLinkStore, SqlConnectLinkStore],
    ].map(([provide, Store]) => ({
      provide,
      inject: [SQL_DATABASE, Clock],
      useFactory: (db: Kysely<SqlSchema>, clock: Clock) => new (Store as ClockedSqlStore)(db, clock, timeoutMs),
    })),
  ];
}

export function sqlProbe(db: Kysely<SqlSchema>, timeoutMs: number): StoreProbe {
  return { name: 'database', ping: async () => void (await withinTime(sql`select 1`.execute(db), timeoutMs)) };
}
