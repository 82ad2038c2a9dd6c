import { Keyv, type DeserializedData, type KeyvStoreAdapter, type StoredData } from 'keyv';
import { Clock, SystemClock } from '../../common/clock';

type Data = DeserializedData<unknown>;

// A string value is kept packed with its expiry in one flat string (base36 milliseconds, fixed width,
// then the value), not in Keyv's `{ value, expires }` object: a pending login then costs its key, one
// string and a Map slot (docs/benchmarks.md). `join('')` gives a flat string where `+` would keep both parts.
const EXPIRY_WIDTH = 9;
type Packed = string | Data;

function pack(data: Data): Packed {
  if (typeof data.value !== 'string' || typeof data.expires !== 'number') return data;
  return [data.expires.toString(36).padStart(EXPIRY_WIDTH, '0'), data.value].join('');
}

function unpack(packed: Packed): Data {
  return typeof packed === 'string' ? { value: packed.slice(EXPIRY_WIDTH), expires: expiresAt(packed) } : packed;
}

function expiresAt(packed: Packed): number {
  if (typeof packed === 'string') return parseInt(packed.slice(0, EXPIRY_WIDTH), 36);
  return typeof packed.expires === 'number' ? packed.expires : Infinity;
}

/**
 * An in-memory Keyv store for entries that share one TTL (pending logins, cached schemas). A Map keeps
 * insertion order, which with one TTL is also expiry order: a timer sweeps expired entries from the
 * front without anyone reading them, and past the size cap the oldest entry goes first. Keyv's default
 * memory store only drops an expired entry when it is read, so abandoned logins would pile up forever.
 *
 * It holds what Keyv hands it unserialized (`{ value, expires }`, see `memoryKeyv`), strings packed.
 *
 * `delete()` reports whether a live entry was removed: the single-use gate of a pending login relies
 * on exactly one caller seeing true.
 */
export class ExpiringMapStore implements KeyvStoreAdapter {
  opts = {};
  namespace?: string;
  private readonly entries = new Map<string, Packed>();

  constructor(
    ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: Clock = new SystemClock(),
  ) {
    // Sweep often enough that entries outlive their TTL by at most ~10% (bounded to 1-60 s).
    const every = Math.min(60_000, Math.max(1_000, Math.floor(ttlMs / 10)));
    setInterval(() => this.sweep(), every).unref();
  }

  get size(): number {
    return this.entries.size;
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const packed = this.entries.get(key);
    if (packed === undefined) return undefined;
    const data = unpack(packed);
    if (typeof data.expires === 'number' && data.expires <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Keyv would judge the expiry again by the system clock: this store has judged it by its own.
    return { value: data.value } as StoredData<Value>;
  }

  /** Keyv stamps `expires` by the system clock; the expiry kept is `ttl` from this store's clock. */
  async set(key: string, data: Data, ttl?: number): Promise<void> {
    // A rewrite moves the key to the back, where its new expiry belongs.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, pack({ value: data.value, expires: typeof ttl === 'number' ? this.clock.now() + ttl : undefined }));
  }

  async delete(key: string): Promise<boolean> {
    const packed = this.entries.get(key);
    this.entries.delete(key);
    return packed !== undefined && expiresAt(packed) > this.clock.now();
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  on(): this {
    return this;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, packed] of this.entries) {
      if (expiresAt(packed) > now) break;
      this.entries.delete(key);
    }
  }
}

/** A Keyv namespace in memory: one TTL, swept and capped, values kept as objects (no JSON round trip). */
export function memoryKeyv(namespace: string, ttlMs: number, maxEntries: number, clock?: Clock): Keyv {
  const keyv = new Keyv({ store: new ExpiringMapStore(ttlMs, maxEntries, clock), ttl: ttlMs, namespace });
  keyv.serialize = undefined;
  keyv.deserialize = undefined;
  return keyv;
}
