import { configNamespace } from './config-namespace';

export const webhooksConfig = configNamespace('webhooks', (env) => {
  const publicUrl = env.string('WEBHOOKS_PUBLIC_URL', '') ? env.url('WEBHOOKS_PUBLIC_URL', 'https://invalid.invalid') : undefined;
  // Only an origin: the notification route is at this service's root, and a proxy prefix would be silently lost.
  if (publicUrl && (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash)) env.problem('WEBHOOKS_PUBLIC_URL must be an origin only (scheme, host and port), with no path or query');
  return {
    /**
     * The origin Airtable reaches this service at: notifications go to `<origin>/airtable-webhooks/<id>`.
     * Unset: the origin of AIRTABLE_REDIRECT_URI, which Airtable's users' browsers reach already.
     */
    publicUrl: publicUrl?.origin,
    /** A webhook is read this long after its last read even with no ping: pings can be lost. */
    quietFetchMs: env.integer('WEBHOOKS_QUIET_FETCH_SECONDS', 300) * 1000,
    /** A webhook is refreshed once it expires within this long (default 4 days; Airtable gives 7 after a refresh). */
    refreshBeforeMs: env.integer('WEBHOOKS_REFRESH_BEFORE_SECONDS', 4 * 24 * 3600) * 1000,
    /** How often the upkeep job looks for webhooks to read, refresh or report expired. */
    jobIntervalMs: env.integer('WEBHOOKS_JOB_INTERVAL_MS', 10_000),
    /** How long one instance may read a webhook's payloads before another may take over (it died). */
    fetchLeaseMs: env.integer('WEBHOOKS_FETCH_LEASE_SECONDS', 60) * 1000,
  };
});

/** As loaded: the public URL filled in from the redirect URI when unset. */
export type WebhooksConfig = Omit<ReturnType<typeof webhooksConfig>, 'publicUrl'> & { publicUrl: string };
