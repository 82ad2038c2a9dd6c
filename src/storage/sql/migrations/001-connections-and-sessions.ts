import type { Migration } from 'kysely';

/**
 * The schema the service had before versioned migrations. `ifNotExists` everywhere, so a SQLite file
 * written back then (these tables, no migration table) is adopted as it is. Times are epoch
 * milliseconds: BIGINT on PostgreSQL, INTEGER affinity on SQLite.
 */
export const connectionsAndSessions: Migration = {
  async up(db) {
    await db.schema
      .createTable('connections')
      .ifNotExists()
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('email', 'text')
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('tokens', 'text')
      .addColumn('refresh_expires_at', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('connections_refresh_expires_at')
      .ifNotExists()
      .on('connections')
      .column('refresh_expires_at')
      .execute();
    await db.schema
      .createTable('sessions')
      .ifNotExists()
      .addColumn('id_hash', 'text', (col) => col.primaryKey())
      .addColumn('connection_id', 'text', (col) => col.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('sessions_connection_id').ifNotExists().on('sessions').column('connection_id').execute();
  },
};
