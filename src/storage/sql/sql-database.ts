import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { type Dialect, type Generated, Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Pool, TypeOverrides } from 'pg';

export interface ConnectionsTable {
  id: string;
  user_id: string;
  email: string | null;
  scopes: string;
  status: 'active' | 'reauth_required';
  /** AES-256-GCM sealed TokenSet JSON, with the connection id as associated data; null once revoked. */
  tokens: string | null;
  /** Not secret, kept in the clear so the keep-alive job can find what nears its end. */
  refresh_expires_at: number | null;
  created_at: number;
  updated_at: number;
  /** The app's end user this connection belongs to (connect links); null when made by signing in here. */
  end_user_id: string | null;
  /** Counts writes: an update names the version it read, so a stale write (a refresh racing a revoke) loses. */
  version: Generated<number>;
}

export interface SessionsTable {
  /** HMAC of the session id: the cookie value itself is never stored. */
  id_hash: string;
  connection_id: string;
  created_at: number;
  last_seen_at: number;
}

export interface IdempotencyKeysTable {
  connection_id: string;
  key: string;
  /** SHA-256 of the request the key was first used with. */
  fingerprint: string;
  progress: string | null;
  /** Set once the write ended: the answer every repeat gets. */
  outcome: string | null;
  expires_at: number;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** SHA-256 of the secret: the secret itself is shown once and never stored. */
  secret_hash: string;
  /** Space-separated. */
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ConnectLinksTable {
  /** SHA-256 of the link's token: the link itself is only in the app's hands. */
  token_hash: string;
  end_user_id: string;
  return_url: string | null;
  created_at: number;
  expires_at: number;
  /** Set when a login through the link made its connection: the link is used up then, not when opened. */
  used_at: number | null;
  connection_id: string | null;
}

export interface OutboxEventsTable {
  /** The database's sequence: the order events were committed in, whichever instance wrote them. */
  seq: Generated<number>;
  id: string;
  connection_id: string;
  /** The event JSON exactly as it is sent (and signed). */
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  /** When it was delivered or given up: kept until EVENTS_RETENTION_DAYS after. */
  finished_at: number | null;
  last_error: string | null;
}

export interface LeasesTable {
  name: string;
  /** The fencing token of the current holder: random per acquisition. */
  token: string;
  /** The database's time, epoch milliseconds. */
  expires_at: number;
}

export interface WebhookTeardownsTable {
  webhook_id: string;
  connection_id: string;
  airtable_id: string;
  base_id: string;
  tokens: string;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
}

export interface WebhooksTable {
  /** The service's own id (`whk_...`), also in the notification URL Airtable pings. */
  id: string;
  airtable_id: string;
  connection_id: string;
  base_id: string;
  /** Airtable's specification object, as JSON. */
  specification: string;
  /** AES-256-GCM sealed macSecretBase64, with the webhook id as associated data. */
  mac_secret: string;
  /** The next payload cursor to read: it moves only together with the event that carries the payloads. */
  cursor: number;
  status: 'active' | 'expired';
  expires_at: number;
  /** The last valid ping, and the start of the last fetch that read everything: a ping after it means a fetch is due. */
  pinged_at: number;
  fetched_at: number;
  /** Reads that failed in a row, and when the next may be tried: a failing webhook backs off on its own. */
  failures: Generated<number>;
  retry_at: Generated<number>;
  created_at: number;
}

export interface SqlSchema {
  connections: ConnectionsTable;
  sessions: SessionsTable;
  idempotency_keys: IdempotencyKeysTable;
  api_keys: ApiKeysTable;
  connect_links: ConnectLinksTable;
  outbox_events: OutboxEventsTable;
  leases: LeasesTable;
  webhooks: WebhooksTable;
  webhook_teardowns: WebhookTeardownsTable;
}

export interface SqlDatabaseOptions {
  /** A postgres:// URL selects PostgreSQL; without one, the SQLite file at `path` is used. */
  url?: string;
  path: string;
  /** Longest wait for a PostgreSQL connection, or for another writer to release the SQLite file. */
  timeoutMs?: number;
}

export const DEFAULT_SQL_TIMEOUT_MS = 5_000;

export interface SqlStoreOptions {
  /** A store call that has no answer after this long fails with store_unavailable. */
  timeoutMs?: number;
}
const INT8_TYPE_ID = 20;
const MAX_PREPARED = 200;
const logger = new Logger('SqlDatabase');

export function openSqlDatabase({ url, path, timeoutMs = DEFAULT_SQL_TIMEOUT_MS }: SqlDatabaseOptions): Kysely<SqlSchema> {
  // The config accepts only postgres:// or postgresql:// URLs.
  const dialect = url ? postgres(url, timeoutMs) : sqlite(path, timeoutMs);
  return new Kysely<SqlSchema>({ dialect });
}

function postgres(url: string, timeoutMs: number): Dialect {
  // Epoch milliseconds are BIGINT, which pg returns as strings; they fit a JS number for ages to come.
  // Set on this pool's own type table: the process-wide one belongs to every other pg user.
  const types = new TypeOverrides();
  types.setTypeParser(INT8_TYPE_ID, Number);
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: timeoutMs, types });
  // A client whose server goes away emits 'error', idle in the pool or checked out mid-query (the
  // query fails on its own); with no listener that would crash the process.
  const lost = (error: Error) => logger.warn(`A PostgreSQL connection failed: ${error.message}`);
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  return new PostgresDialect({ pool });
}

function sqlite(path: string, timeoutMs: number): Dialect {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path, { timeout: timeoutMs });
  // WAL: readers do not wait for the writer, and a crash (even kill -9) leaves the last commit intact.
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  return new SqliteDialect({ database: preparedOnce(database) });
}

/**
 * Kysely prepares every query anew, and preparing costs more than running one of these small
 * statements. The service runs a handful of distinct statements (values are parameters), so each is
 * prepared once and kept; the bound only guards against a caller that builds SQL from data.
 */
function preparedOnce(database: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare: (sql) => {
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (statements.size < MAX_PREPARED) statements.set(sql, statement);
      }
      return statement;
    },
  };
}
