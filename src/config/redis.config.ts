import { configNamespace } from './config-namespace';

export const redisConfig = configNamespace('redis', (env) => {
  const url = env.string('REDIS_URL', '');
  if (url && !/^rediss?:\/\//.test(url)) env.problem('REDIS_URL must start with redis:// or rediss://');
  return {
    /** Set: ephemeral shared state (pending logins, caches, locks, pacing, limits) lives in Redis. */
    url: url || undefined,
    /** Every key starts with this, so one Redis can serve several deployments. */
    keyPrefix: env.string('REDIS_KEY_PREFIX', 'airtable-service:'),
    /** A Redis call slower than this fails (503 store_unavailable) instead of hanging the request. */
    timeoutMs: env.integer('REDIS_TIMEOUT_MS', 1_000),
  };
});

export type RedisConfig = ReturnType<typeof redisConfig>;
