import type { ErrorCode } from '../common/app-error';

/** Keys belong to one connection: two apps (or users) choosing the same key never meet. */
export interface IdempotencyScope {
  connectionId: string;
  key: string;
}

/** A key whose write this caller runs: `lease` is the fencing token every write of its progress presents. */
export interface HeldKey extends IdempotencyScope {
  lease: string;
}

/** What a write sent so far: `next` is the index of the first record not yet written. */
export interface WriteProgress {
  next: number;
  records: unknown[];
  createdRecords?: string[];
  updatedRecords?: string[];
}

/** The first answer, replayed for every later request with the same key and body. */
export type WriteOutcome =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; code: ErrorCode; message: string; details?: Record<string, unknown>; retryAfterSeconds?: number };

export type Claim =
  /** The caller runs the write: a new key, or one whose holder stopped (a crash) with this progress. */
  | { kind: 'started'; key: HeldKey; progress?: WriteProgress }
  | { kind: 'finished'; outcome: WriteOutcome }
  /** The same key came with another request. */
  | { kind: 'mismatch' }
  /** Another request with this key is running now. */
  | { kind: 'running' };

/** Durable idempotency keys (SQL: they must survive restarts and be shared by every instance). */
export abstract class IdempotencyStore {
  /**
   * Claims `scope` for a request with this fingerprint, holding it for `leaseMs` (the database's time)
   * unless progress is saved meanwhile; the key and its outcome are kept for `ttlMs`.
   */
  abstract claim(scope: IdempotencyScope, fingerprint: string, leaseMs: number, ttlMs: number): Promise<Claim>;
  /**
   * Records what is written so far and extends the lease for `leaseMs`. Fails with
   * idempotency_key_in_use when the lease was taken over: a holder that stalled writes nothing more.
   */
  abstract saveProgress(key: HeldKey, progress: WriteProgress, leaseMs: number): Promise<void>;
  abstract finish(key: HeldKey, outcome: WriteOutcome): Promise<void>;
  /** Forgets the key: nothing was written, so a retry with it may start afresh. */
  abstract release(key: HeldKey): Promise<void>;
  /** Deletes up to `limit` keys past their time to live; how many went. */
  abstract purge(limit: number): Promise<number>;
}
