import type { Migration } from 'kysely';

/**
 * Connect links an app hands its end users, and the end user a connection belongs to (null for a
 * connection made by signing in here). One connection per end user and Airtable account.
 */
export const connectLinks: Migration = {
  async up(db) {
    await db.schema.alterTable('connections').addColumn('end_user_id', 'text').execute();
    await db.schema.createIndex('connections_end_user').unique().on('connections').columns(['end_user_id', 'user_id']).execute();
    await db.schema
      .createTable('connect_links')
      .addColumn('token_hash', 'text', (col) => col.primaryKey())
      .addColumn('end_user_id', 'text', (col) => col.notNull())
      .addColumn('return_url', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
  },
};
