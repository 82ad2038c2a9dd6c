import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import type { RedisService } from '../redis/redis.service';
import { memoryKeyv } from './expiring-map.store';

/**
 * A Keyv namespace: in Redis (shared by every instance, errors thrown so callers fail closed) when
 * REDIS_URL is set, otherwise in memory with sweeping and a size cap.
 */
export function namespaceStore(redis: RedisService, namespace: string, ttlMs: number, maxEntries: number): Keyv {
  if (redis.client) {
    const store = new KeyvRedis(redis.client, { throwOnErrors: true, throwOnConnectError: true });
    // Keyv hands its namespace to the store (its default "keyv" would replace the store's own), and the
    // store alone prefixes keys: "<prefix><namespace>::<key>".
    return new Keyv({ store, namespace: redis.key(namespace), useKeyPrefix: false, ttl: ttlMs, throwOnErrors: true });
  }
  return memoryKeyv(namespace, ttlMs, maxEntries);
}
