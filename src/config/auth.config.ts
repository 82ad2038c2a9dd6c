import { configNamespace } from './config-namespace';

export const authConfig = configNamespace('auth', (env) => ({
  /** How long a started login may wait for its callback; the cache drops it after that, unread. */
  requestTtlMs: env.integer('AUTH_REQUEST_TTL_SECONDS', 600) * 1000,
  /** Hard cap on pending logins held in memory; the oldest go first when a flood reaches it. */
  maxPendingRequests: env.integer('AUTH_MAX_PENDING_REQUESTS', 100_000),
  /** Per client address, for /auth/login and for the callback each. */
  rateLimitPerMinute: env.integer('AUTH_RATE_LIMIT_PER_MINUTE', 30),
}));

export type AuthConfig = ReturnType<typeof authConfig>;
