import { type Kysely, sql } from 'kysely';
import { AppError, ErrorCode } from '../../common/app-error';
import { type Claim, type HeldKey, type IdempotencyScope, IdempotencyStore, type WriteOutcome, type WriteProgress } from '../../records/idempotency.store';
import { withinTime } from '../store-unavailable';
import type { SqlSchema } from './sql-database';
import { dbNow } from './sql-dialect';
import { SqlLeases } from './sql-lease';

const leaseName = (scope: IdempotencyScope) => `idempotency:${scope.connectionId}:${scope.key}`;

/**
 * Idempotency keys in the `idempotency_keys` table, each write under a lease of `leases` (the
 * database's time, fenced); the same statements on SQLite and PostgreSQL.
 */
export class SqlIdempotencyStore extends IdempotencyStore {
  private readonly leases: SqlLeases;

  constructor(
    private readonly db: Kysely<SqlSchema>,
    private readonly timeoutMs: number,
  ) {
    super();
    this.leases = new SqlLeases(db);
  }

  claim(scope: IdempotencyScope, fingerprint: string, leaseMs: number, ttlMs: number): Promise<Claim> {
    return withinTime(this.claimNow(scope, fingerprint, leaseMs, ttlMs), this.timeoutMs);
  }

  async saveProgress(key: HeldKey, progress: WriteProgress, leaseMs: number): Promise<void> {
    const saved = this.db.transaction().execute(async (trx) => {
      if (!(await this.leases.renew(leaseName(key), key.lease, leaseMs, trx))) return false;
      await this.whereScope(trx.updateTable('idempotency_keys').set({ progress: JSON.stringify(progress) }), key).execute();
      return true;
    });
    if (!(await withinTime(saved, this.timeoutMs))) throw new AppError(ErrorCode.IdempotencyKeyInUse, { retryAfterSeconds: 1 });
  }

  async finish(key: HeldKey, outcome: WriteOutcome): Promise<void> {
    const update = this.whereScope(this.db.updateTable('idempotency_keys').set({ outcome: JSON.stringify(outcome), progress: null }), key).where(
      this.leases.holds(leaseName(key), key.lease),
    );
    await withinTime(update.execute(), this.timeoutMs);
    await withinTime(this.leases.release(leaseName(key), key.lease), this.timeoutMs);
  }

  async release(key: HeldKey): Promise<void> {
    await withinTime(this.whereScope(this.db.deleteFrom('idempotency_keys'), key).where(this.leases.holds(leaseName(key), key.lease)).execute(), this.timeoutMs);
    await withinTime(this.leases.release(leaseName(key), key.lease), this.timeoutMs);
  }

  async purge(limit: number): Promise<number> {
    const expired = this.db.selectFrom('idempotency_keys').select(['connection_id', 'key']).where('expires_at', '<=', dbNow(this.db)).limit(limit);
    const deleted = this.db.deleteFrom('idempotency_keys').where((eb) => eb(eb.refTuple('connection_id', 'key'), 'in', expired.$asTuple('connection_id', 'key')));
    return Number((await withinTime(deleted.executeTakeFirst(), this.timeoutMs)).numDeletedRows);
  }

  private async claimNow(scope: IdempotencyScope, fingerprint: string, leaseMs: number, ttlMs: number): Promise<Claim> {
    // Two rounds: an expired row found in the first is deleted, and the insert tried again.
    for (let round = 0; round < 2; round++) {
      const inserted = await this.db
        .insertInto('idempotency_keys')
        .values({ connection_id: scope.connectionId, key: scope.key, fingerprint, progress: null, outcome: null, expires_at: sql<number>`${dbNow(this.db)} + ${ttlMs}` })
        .onConflict((oc) => oc.columns(['connection_id', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return this.take(scope, leaseMs);
      const row = await this.whereScope(this.db.selectFrom('idempotency_keys').selectAll().select(sql<number>`case when expires_at <= ${dbNow(this.db)} then 1 else 0 end`.as('expired')), scope).executeTakeFirst();
      if (!row) continue;
      if (Number(row.expired) === 1) {
        await this.whereScope(this.db.deleteFrom('idempotency_keys'), scope).where('expires_at', '<=', dbNow(this.db)).execute();
        continue;
      }
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.outcome !== null) return { kind: 'finished', outcome: JSON.parse(row.outcome) as WriteOutcome };
      // Running elsewhere, or its holder stopped without finishing (a crash): then one retry takes over.
      return this.take(scope, leaseMs);
    }
    return { kind: 'running' };
  }

  /** Takes the key's lease, then reads where its write got to: nothing can be saved after the takeover but by this caller. */
  private async take(scope: IdempotencyScope, leaseMs: number): Promise<Claim> {
    const lease = await this.leases.acquire(leaseName(scope), leaseMs);
    if (!lease) return { kind: 'running' };
    const key: HeldKey = { ...scope, lease };
    const row = await this.whereScope(this.db.selectFrom('idempotency_keys').select(['progress', 'outcome']), scope).executeTakeFirst();
    if (row?.outcome) {
      await this.leases.release(leaseName(scope), lease);
      return { kind: 'finished', outcome: JSON.parse(row.outcome) as WriteOutcome };
    }
    if (!row) {
      await this.leases.release(leaseName(scope), lease);
      return { kind: 'running' };
    }
    return { kind: 'started', key, ...(row.progress ? { progress: JSON.parse(row.progress) as WriteProgress } : {}) };
  }

  private whereScope<Q extends { where: WhereFn<Q> }>(query: Q, scope: IdempotencyScope): Q {
    return query.where('connection_id', '=', scope.connectionId).where('key', '=', scope.key);
  }
}

type WhereFn<Q> = (column: 'connection_id' | 'key', op: '=', value: string) => Q;
