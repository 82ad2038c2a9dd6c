import { type Kysely, type Migration, sql } from 'kysely';
import { isPostgres } from '../sql-dialect';

/**
 * Order and leases from the database: events numbered by the database's own sequence and kept (with
 * their delivery's end) until purged; one `leases` table for every lease, checked with the database's
 * time and fenced by a token; a version on each connection so a stale write loses; webhook reads that
 * back off per webhook; webhooks left to delete at Airtable after their connection went; connect links
 * that remember the connection they made.
 */
export const durableOrder: Migration = {
  // PostgreSQL runs each migration in a transaction already; SQLite's is made here, so a crash halfway
  // leaves the file as it was.
  up: (db: Kysely<any>) => (isPostgres(db) ? migrate(db) : db.transaction().execute(migrate)),
};

async function migrate(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('token', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('leases_expires_at').on('leases').column('expires_at').execute();

  await db.schema.alterTable('outbox_events').renameTo('outbox_events_005').execute();
  await db.schema
    .createTable('outbox_events')
    .addColumn('seq', isPostgres(db) ? 'bigint' : 'integer', (col) =>
      isPostgres(db) ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (col) => col.notNull().unique())
    .addColumn('connection_id', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('last_error', 'text')
    .execute();
  await sql`insert into outbox_events (id, connection_id, body, status, attempts, next_attempt_at, created_at)
    select id, connection_id, body, 'pending', attempts, next_attempt_at, created_at from outbox_events_005 order by seq`.execute(db);
  await db.schema.dropTable('outbox_events_005').execute();
  await db.schema.dropTable('outbox_dispatcher').execute();
  // Each connection's oldest waiting event (its head) is found in this index, however deep the backlog.
  await db.schema.createIndex('outbox_events_waiting').on('outbox_events').columns(['status', 'connection_id', 'seq']).execute();
  await db.schema.createIndex('outbox_events_finished').on('outbox_events').columns(['status', 'finished_at']).execute();

  await db.schema.alterTable('connections').addColumn('version', 'integer', (col) => col.notNull().defaultTo(1)).execute();

  await db.schema.alterTable('webhooks').dropColumn('lease_owner').execute();
  await db.schema.alterTable('webhooks').dropColumn('lease_until').execute();
  await db.schema.alterTable('webhooks').addColumn('failures', 'integer', (col) => col.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('webhooks').addColumn('retry_at', 'bigint', (col) => col.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('idempotency_keys').dropColumn('lease_until').execute();

  await db.schema
    .createTable('webhook_teardowns')
    .addColumn('webhook_id', 'text', (col) => col.primaryKey())
    .addColumn('connection_id', 'text', (col) => col.notNull())
    .addColumn('airtable_id', 'text', (col) => col.notNull())
    .addColumn('base_id', 'text', (col) => col.notNull())
    // The deleted connection's tokens, sealed as they were (bound to its id): only to delete the webhook.
    .addColumn('tokens', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('webhook_teardowns_due').on('webhook_teardowns').column('next_attempt_at').execute();

  await db.schema.alterTable('connect_links').addColumn('connection_id', 'text').execute();
  await db.schema.createIndex('connect_links_expires_at').on('connect_links').column('expires_at').execute();
  await db.schema.createIndex('sessions_last_seen_at').on('sessions').column('last_seen_at').execute();
}
