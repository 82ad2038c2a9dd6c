/**
 * What the storage layer provides besides the store classes (ConnectionStore, SessionStore, BasePacer,
 * DistributedLock), under these tokens. Features depend on these, never on a backend.
 */

/** Keyv namespace of pending logins (under cache-manager, see AppCacheModule). */
export const PENDING_LOGINS = Symbol('PENDING_LOGINS');
/** Keyv namespace of cached base lists and schemas. */
export const SCHEMA_CACHE = Symbol('SCHEMA_CACHE');
/** The @nestjs/throttler storage for the per-client login limits. */
export const THROTTLER_STORAGE = Symbol('THROTTLER_STORAGE');
/** Every backend in use, for the readiness check: `StoreProbe[]`. */
export const STORE_PROBES = Symbol('STORE_PROBES');

export interface StoreProbe {
  /** "database" or "redis". */
  name: string;
  /** Resolves when the backend answers; rejects (within its timeout) when it does not. */
  ping(): Promise<void>;
}
