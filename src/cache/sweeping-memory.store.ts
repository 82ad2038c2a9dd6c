import { KeyvCacheableMemory } from 'cacheable';

/**
 * An in-memory Keyv store that sweeps expired entries on a timer and evicts the oldest past a size cap,
 * so abandoned entries go away without being read and a flood cannot grow memory without bound.
 *
 * It also makes `delete()` report whether the key existed (cacheable's adapter always answers true):
 * the single-use gate of a pending login depends on exactly one caller seeing true.
 */
export class SweepingMemoryStore extends KeyvCacheableMemory {
  override async delete(key: string): Promise<boolean> {
    const memory = this.getStore(this.namespace);
    const existed = memory.has(key);
    memory.delete(key);
    return existed;
  }
}

export function sweepingMemoryStore(ttlMs: number, maxEntries: number): SweepingMemoryStore {
  return new SweepingMemoryStore({
    ttl: ttlMs,
    lruSize: maxEntries,
    // Sweep often enough that entries outlive their TTL by at most ~10% (bounded to 1-60 s).
    checkInterval: Math.min(60_000, Math.max(1_000, Math.floor(ttlMs / 10))),
  });
}
