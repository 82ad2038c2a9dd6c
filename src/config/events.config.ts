import { configNamespace } from './config-namespace';

export const eventsConfig = configNamespace('events', (env) => {
  const url = env.string('EVENTS_URL', '');
  const secret = env.string('EVENTS_SECRET', '');
  if (url) {
    try {
      if (!/^https?:$/.test(new URL(url).protocol)) env.problem('EVENTS_URL must be an http:// or https:// URL');
    } catch {
      env.problem('EVENTS_URL must be an http:// or https:// URL');
    }
    if (secret.length < 32) env.problem('EVENTS_SECRET must be at least 32 characters when EVENTS_URL is set');
  }
  return {
    /** Unset: no events are kept or sent. */
    url: url || undefined,
    secret,
    /** A delivery slower than this counts as failed and is retried. */
    timeoutMs: env.integer('EVENTS_TIMEOUT_MS', 5_000),
    /** How often the outbox is looked at. */
    pollMs: env.integer('EVENTS_POLL_MS', 1_000),
    /** The first retry waits this long; each next one twice as long, up to an hour. */
    retryBaseMs: env.integer('EVENTS_RETRY_BASE_MS', 1_000),
    /** An event still not accepted after this long is given up (and logged). */
    giveUpAfterMs: env.integer('EVENTS_GIVE_UP_HOURS', 24) * 3_600_000,
    /** Delivered and given-up events are kept this long (to look into), then deleted. */
    retentionMs: env.integer('EVENTS_RETENTION_DAYS', 7) * 24 * 3_600_000,
  };
});

export type EventsConfig = ReturnType<typeof eventsConfig>;
