import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { randomToken } from '../../common/random';
import { dbNow, isPostgres } from './sql-dialect';
import type { SqlSchema } from './sql-database';

/**
 * The one lease primitive (the outbox's turn, a webhook's fetch, an idempotency key's write): a row
 * per name in `leases`, taken and checked with the database's time, never an instance's. Each
 * acquisition gets a fresh random token, the fencing token: every write made under the lease presents
 * it (`holds`), so a holder that stalled past its lease and was replaced can no longer write.
 */
export class SqlLeases {
  constructor(private readonly db: Kysely<SqlSchema>) {}

  /** Takes `name` for `ms` unless someone holds it now; the fencing token, or undefined while held. */
  async acquire(name: string, ms: number, executor: Kysely<SqlSchema> = this.db): Promise<string | undefined> {
    const token = randomToken();
    const until = sql<number>`${dbNow(this.db)} + ${ms}`;
    const result = await executor
      .insertInto('leases')
      .values({ name, token, expires_at: until })
      .onConflict((oc) => oc.column('name').doUpdateSet({ token, expires_at: until }).where('leases.expires_at', '<', dbNow(this.db)))
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1 ? token : undefined;
  }

  /** Extends the lease for `ms` from now; false when it was taken over (the token no longer holds it). */
  async renew(name: string, token: string, ms: number, executor: Kysely<SqlSchema> = this.db): Promise<boolean> {
    const result = await executor
      .updateTable('leases')
      .set({ expires_at: sql<number>`${dbNow(this.db)} + ${ms}` })
      .where('name', '=', name)
      .where('token', '=', token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Ends the lease if `token` still holds it. */
  async release(name: string, token: string, executor: Kysely<SqlSchema> = this.db): Promise<void> {
    await executor.deleteFrom('leases').where('name', '=', name).where('token', '=', token).execute();
  }

  /**
   * The condition for a write under a lease: `token` still holds `name`. On PostgreSQL the lease row is
   * share-locked until the write commits, so a takeover waits for it instead of reading around it.
   */
  holds(name: string, token: string): Expression<SqlBool> {
    const row = this.db.selectFrom('leases').select(sql`1`.as('held')).where('name', '=', name).where('token', '=', token);
    return sql<SqlBool>`exists ${isPostgres(this.db) ? row.forShare() : row}`;
  }

  /** True while nobody holds the lease named by the SQL expression `name`: for queries that pick free work. */
  free(name: Expression<string>): Expression<SqlBool> {
    const held = this.db.selectFrom('leases').select(sql`1`.as('held')).where('name', '=', name).where('expires_at', '>=', dbNow(this.db));
    return sql<SqlBool>`not exists ${held}`;
  }

  /** Deletes leases that ended more than `graceMs` ago, `limit` at a time; how many went. */
  async purge(graceMs: number, limit: number): Promise<number> {
    const old = this.db.selectFrom('leases').select('name').where('expires_at', '<', sql<number>`${dbNow(this.db)} - ${graceMs}`).limit(limit);
    const result = await this.db.deleteFrom('leases').where('name', 'in', old).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
