import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { Clock } from '../../common/clock';
import { type Claim, type IdempotencyScope, IdempotencyStore, type WriteOutcome, type WriteProgress } from '../../records/idempotency.store';
import { withinTime } from '../store-unavailable';
import type { SqlSchema } from './sql-database';

const PURGE_EVERY_MS = 60 * 60_000;

/** Idempotency keys in the `idempotency_keys` table; the same statements on SQLite and PostgreSQL. */
export class SqlIdempotencyStore extends IdempotencyStore implements OnModuleDestroy {
  private readonly logger = new Logger(SqlIdempotencyStore.name);
  private readonly purgeTimer: NodeJS.Timeout;

  constructor(
    private readonly db: Kysely<SqlSchema>,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    super();
    this.purgeTimer = setInterval(() => {
      this.purge().catch(() => this.logger.warn('Expired idempotency keys could not be purged; the next round will try again'));
    }, PURGE_EVERY_MS).unref();
  }

  claim(scope: IdempotencyScope, fingerprint: string, leaseMs: number, ttlMs: number): Promise<Claim> {
    return withinTime(this.claimNow(scope, fingerprint, leaseMs, ttlMs), this.timeoutMs);
  }

  async saveProgress(scope: IdempotencyScope, progress: WriteProgress, leaseMs: number): Promise<void> {
    const update = this.whereScope(
      this.db.updateTable('idempotency_keys').set({ progress: JSON.stringify(progress), lease_until: this.clock.now() + leaseMs }),
      scope,
    );
    await withinTime(update.execute(), this.timeoutMs);
  }

  async finish(scope: IdempotencyScope, outcome: WriteOutcome): Promise<void> {
    const update = this.whereScope(this.db.updateTable('idempotency_keys').set({ outcome: JSON.stringify(outcome), progress: null }), scope);
    await withinTime(update.execute(), this.timeoutMs);
  }

  async release(scope: IdempotencyScope): Promise<void> {
    await withinTime(this.whereScope(this.db.deleteFrom('idempotency_keys'), scope).execute(), this.timeoutMs);
  }

  async purge(): Promise<void> {
    await withinTime(this.db.deleteFrom('idempotency_keys').where('expires_at', '<=', this.clock.now()).execute(), this.timeoutMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  private async claimNow(scope: IdempotencyScope, fingerprint: string, leaseMs: number, ttlMs: number): Promise<Claim> {
    const now = this.clock.now();
    // Two rounds: an expired row found in the first is deleted, and the insert tried again.
    for (let round = 0; round < 2; round++) {
      const inserted = await this.db
        .insertInto('idempotency_keys')
        .values({ connection_id: scope.connectionId, key: scope.key, fingerprint, progress: null, outcome: null, lease_until: now + leaseMs, expires_at: now + ttlMs })
        .onConflict((oc) => oc.columns(['connection_id', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { kind: 'started' };
      const row = await this.whereScope(this.db.selectFrom('idempotency_keys').selectAll(), scope).executeTakeFirst();
      if (!row) continue;
      if (row.expires_at <= now) {
        await this.whereScope(this.db.deleteFrom('idempotency_keys'), scope).where('expires_at', '<=', now).execute();
        continue;
      }
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.outcome !== null) return { kind: 'finished', outcome: JSON.parse(row.outcome) as WriteOutcome };
      if (row.lease_until > now) return { kind: 'running' };
      // The holder stopped without finishing (a crash): one retry takes over where it got to.
      const taken = await this.whereScope(this.db.updateTable('idempotency_keys').set({ lease_until: now + leaseMs }), scope)
        .where('lease_until', '=', row.lease_until)
        .where('outcome', 'is', null)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) return { kind: 'running' };
      return { kind: 'started', ...(row.progress ? { progress: JSON.parse(row.progress) as WriteProgress } : {}) };
    }
    return { kind: 'running' };
  }

  private whereScope<Q extends { where: WhereFn<Q> }>(query: Q, scope: IdempotencyScope): Q {
    return query.where('connection_id', '=', scope.connectionId).where('key', '=', scope.key);
  }
}

type WhereFn<Q> = (column: 'connection_id' | 'key', op: '=', value: string) => Q;
