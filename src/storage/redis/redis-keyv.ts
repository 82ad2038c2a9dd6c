import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { outage, withinTime } from '../store-unavailable';
import type { RedisService } from './redis.service';

/** @keyv/redis with every call bounded by REDIS_TIMEOUT_MS, so a stalled Redis fails the call (503) instead of hanging it. */
class BoundedKeyvRedis extends KeyvRedis<unknown> {
  constructor(
    redis: RedisService,
    private readonly timeoutMs: number,
  ) {
    super(redis.client, { throwOnErrors: true, throwOnConnectError: true });
  }

  override get<U>(key: string): Promise<U | undefined> {
    return withinTime(super.get<U>(key), this.timeoutMs, outage);
  }

  override set(key: string, value: string, ttl?: number): Promise<void> {
    return withinTime(super.set(key, value, ttl), this.timeoutMs, outage);
  }

  override delete(key: string): Promise<boolean> {
    return withinTime(super.delete(key), this.timeoutMs, outage);
  }
}

/** A Keyv namespace in Redis, shared by every instance; errors are thrown so callers fail closed. */
export function redisKeyv(redis: RedisService, namespace: string, ttlMs: number, timeoutMs: number): Keyv {
  // Keyv hands its namespace to the store (its default "keyv" would replace the store's own), and the
  // store alone prefixes keys: "<prefix><namespace>::<key>".
  return new Keyv({
    store: new BoundedKeyvRedis(redis, timeoutMs), namespace: redis.key(namespace), useKeyPrefix: false, ttl: ttlMs, throwOnErrors: true,
  });
}
