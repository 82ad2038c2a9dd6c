import type { Migration } from 'kysely';

/** Events waiting for delivery, and the one row that says which instance delivers. */
export const outbox: Migration = {
  async up(db) {
    await db.schema
      .createTable('outbox_events')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('connection_id', 'text', (col) => col.notNull())
      .addColumn('body', 'text', (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull())
      .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('outbox_events_seq').on('outbox_events').column('seq').execute();
    await db.schema
      .createTable('outbox_dispatcher')
      .addColumn('id', 'integer', (col) => col.primaryKey())
      .addColumn('owner', 'text')
      .addColumn('lease_until', 'bigint', (col) => col.notNull())
      .execute();
    await db.insertInto('outbox_dispatcher' as never).values({ id: 1, owner: null, lease_until: 0 } as never).execute();
  },
};
