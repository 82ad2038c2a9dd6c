import type { KeyvStoreAdapter, StoredData } from 'keyv';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * An in-memory Keyv store for entries that share one TTL (pending logins, cached schemas). A Map keeps
 * insertion order, which with one TTL is also expiry order: a timer sweeps expired entries from the
 * front without anyone reading them, and past the size cap the oldest entry goes first. Keyv's default
 * memory store only drops an expired entry when it is read, so abandoned logins would pile up forever.
 *
 * `delete()` reports whether a live entry was removed: the single-use gate of a pending login relies
 * on exactly one caller seeing true.
 */
export class ExpiringMapStore implements KeyvStoreAdapter {
  opts = {};
  namespace?: string;
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {
    // Sweep often enough that entries outlive their TTL by at most ~10% (bounded to 1-60 s).
    const every = Math.min(60_000, Math.max(1_000, Math.floor(ttlMs / 10)));
    setInterval(() => this.sweep(), every).unref();
  }

  get size(): number {
    return this.entries.size;
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value as StoredData<Value>;
  }

  async set(key: string, value: unknown, ttl?: number): Promise<void> {
    // A rewrite moves the key to the back, where its new expiry belongs.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAt: Date.now() + (ttl ?? this.ttlMs) });
  }

  async delete(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry !== undefined && entry.expiresAt > Date.now();
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  on(): this {
    return this;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}
