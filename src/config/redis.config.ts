import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader';

export const redisConfig = registerAs('redis', () => {
  const env = new EnvReader();
  const url = env.string('REDIS_URL', '');
  if (url && !/^rediss?:\/\//.test(url)) env.problem('REDIS_URL must start with redis:// or rediss://');
  const config = {
    /** Set: every piece of shared state lives in Redis and any number of instances can serve. */
    url: url || undefined,
    /** Every key starts with this, so one Redis can serve several deployments. */
    keyPrefix: env.string('REDIS_KEY_PREFIX', 'airtable-service:'),
    /** A Redis call slower than this fails (503 store_unavailable) instead of hanging the request. */
    timeoutMs: env.integer('REDIS_TIMEOUT_MS', 1_000),
  };
  /** The bound on a Keyv store call: Redis's timeout, or none for the memory stores, which cannot hang. */
  const storeTimeoutMs = config.url ? config.timeoutMs : 0;
  env.done('Redis');
  return { ...config, storeTimeoutMs };
});

export type RedisConfig = ReturnType<typeof redisConfig>;
