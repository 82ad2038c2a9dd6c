import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';

/** Whether this database is PostgreSQL (else SQLite): the few statements that differ ask this. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * The database's own time, in epoch milliseconds, as an SQL expression. Leases, retries and event
 * times are decided with it, never with an instance's clock: two instances whose clocks differ still
 * agree on who holds a lease and what is due.
 */
export function dbNow(db: Kysely<any>): RawBuilder<number> {
  return isPostgres(db)
    ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : sql<number>`cast(unixepoch('subsec') * 1000 as integer)`;
}

