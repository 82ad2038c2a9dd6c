import type { Provider } from '@nestjs/common';
import { BasePacer } from '../../airtable/base-pacer';
import { DistributedLock } from '../../common/distributed-lock';
import type { Config } from '../../config/config';
import { PENDING_LOGINS, SCHEMA_CACHE, THROTTLER_STORAGE } from '../storage.tokens';
import { RedisBasePacer } from './redis-base-pacer';
import { redisKeyv } from './redis-keyv';
import { RedisLock } from './redis-lock';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { RedisService } from './redis.service';

/** Ephemeral state shared by a fleet, in Redis: what is lost with it only makes logins in progress start again. */
export function redisProviders(config: Config): Provider[] {
  const { timeoutMs } = config.redis;
  return [
    RedisService,
    { provide: PENDING_LOGINS, inject: [RedisService], useFactory: (redis: RedisService) => redisKeyv(redis, 'pending', config.auth.requestTtlMs, timeoutMs) },
    { provide: SCHEMA_CACHE, inject: [RedisService], useFactory: (redis: RedisService) => redisKeyv(redis, 'schema', config.airtable.schemaEntryTtlMs, timeoutMs) },
    { provide: THROTTLER_STORAGE, inject: [RedisService], useFactory: (redis: RedisService) => new RedisThrottlerStorage(redis) },
    // With Redis the pace holds for the whole fleet, not per instance.
    { provide: BasePacer, inject: [RedisService], useFactory: (redis: RedisService) => new RedisBasePacer(config.airtable, redis) },
    { provide: DistributedLock, inject: [RedisService], useFactory: (redis: RedisService) => new RedisLock(redis, lockHoldMs(config)) },
  ];
}

/** A lock is held at most through a paced, timed-out Airtable call; twice that is a safe expiry (and wait). */
export function lockHoldMs(config: Config): number {
  return 2 * (config.airtable.timeoutMs + config.airtable.rateLimitMaxWaitMs);
}

export function redisProbe(redis: RedisService) {
  return { name: 'redis', ping: async () => void (await redis.run((client) => client.ping())) };
}
