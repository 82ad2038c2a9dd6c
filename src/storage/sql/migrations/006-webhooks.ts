import type { Migration } from 'kysely';

/** The Airtable webhooks the service made for connections: their sealed MAC secret, cursor and expiry. */
export const webhooks: Migration = {
  async up(db) {
    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('airtable_id', 'text', (col) => col.notNull().unique())
      // A deleted connection takes its webhooks along: nobody can refresh them any more.
      .addColumn('connection_id', 'text', (col) => col.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('base_id', 'text', (col) => col.notNull())
      .addColumn('specification', 'text', (col) => col.notNull())
      .addColumn('mac_secret', 'text', (col) => col.notNull())
      .addColumn('cursor', 'bigint', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('pinged_at', 'bigint', (col) => col.notNull())
      .addColumn('fetched_at', 'bigint', (col) => col.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('webhooks_connection_id').on('webhooks').column('connection_id').execute();
    await db.schema.createIndex('webhooks_base_id').on('webhooks').column('base_id').execute();
    await db.schema.createIndex('webhooks_expires_at').on('webhooks').columns(['status', 'expires_at']).execute();
  },
};
