import { configNamespace } from './config-namespace';
import type { Environment } from './env-reader';

export const DEFAULT_SCOPES = 'data.records:read data.records:write schema.bases:read user.email:read';

/** The client id's variable, then its accepted alias. */
const CLIENT_ID_NAMES = ['AIRTABLE_CLIENT_ID', 'CLIENT_ID'];

/** Whether the environment names an Airtable client (under either name): it is meant for a real Airtable. */
export function namesClientId(env: Environment): boolean {
  return CLIENT_ID_NAMES.some((name) => Boolean(env[name]?.trim()));
}

export const airtableConfig = configNamespace('airtable', (env) => {
  const authorizeUrl = env.url('AIRTABLE_AUTHORIZE_URL', 'https://airtable.com/oauth2/v1/authorize');
  const scopes = env.string('AIRTABLE_SCOPES', DEFAULT_SCOPES).split(/\s+/);
  if (new Set(scopes).size !== scopes.length) env.problem('AIRTABLE_SCOPES must not repeat a scope');
  const config = {
    clientId: env.string(CLIENT_ID_NAMES),
    /** Empty: a public client (client_id in the body); set: HTTP Basic authentication. */
    clientSecret: env.string(['AIRTABLE_CLIENT_SECRET', 'CLIENT_SECRET'], ''),
    redirectUri: env.url('AIRTABLE_REDIRECT_URI', 'http://localhost:4000/airtable-oauth'),
    scopes: scopes.join(' '),
    authorizeUrl,
    tokenUrl: env.url('AIRTABLE_TOKEN_URL', 'https://airtable.com/oauth2/v1/token'),
    apiUrl: env.url('AIRTABLE_API_URL', 'https://api.airtable.com'),
    /** An `iss` on the callback must equal this; Airtable itself sends none. */
    issuer: env.string('AIRTABLE_ISSUER', authorizeUrl.origin),
    timeoutMs: env.integer('AIRTABLE_TIMEOUT_MS', 10_000),
    maxResponseBytes: env.integer('AIRTABLE_MAX_RESPONSE_BYTES', 5 * 1024 * 1024),
    // Airtable allows 5 requests per second per base and locks a base out for 30 s after a 429.
    rateLimitPerSecond: env.integer('AIRTABLE_RATE_LIMIT_PER_SECOND', 5),
    rateLimitLockoutMs: env.integer('AIRTABLE_RATE_LIMIT_LOCKOUT_SECONDS', 30) * 1000,
    /** How long a request may queue for its base's turn before it is answered 429. */
    rateLimitMaxWaitMs: env.integer('AIRTABLE_RATE_LIMIT_MAX_WAIT_MS', 5_000, 0),
    /** How long base lists and schemas are reused per connection; 0 turns the cache off. */
    schemaCacheTtlMs: env.integer('AIRTABLE_SCHEMA_CACHE_SECONDS', 30, 0) * 1000,
  };
  // How long a fetched schema is kept: the cache time, or, with the cache off, just long enough for
  // callers waiting on the same fetch (possibly on other instances) to read it.
  return { ...config, schemaEntryTtlMs: config.schemaCacheTtlMs || 2_000 };
});

export type AirtableConfig = ReturnType<typeof airtableConfig>;
