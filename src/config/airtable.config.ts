import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader';

export const DEFAULT_SCOPES = 'data.records:read data.records:write schema.bases:read user.email:read';

export const airtableConfig = registerAs('airtable', () => {
  const env = new EnvReader();
  const authorizeUrl = env.url('AIRTABLE_AUTHORIZE_URL', 'https://airtable.com/oauth2/v1/authorize');
  const scopes = env.string('AIRTABLE_SCOPES', DEFAULT_SCOPES).split(/\s+/);
  if (new Set(scopes).size !== scopes.length) env.problem('AIRTABLE_SCOPES must not repeat a scope');
  const config = {
    clientId: env.string(['AIRTABLE_CLIENT_ID', 'CLIENT_ID']),
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
  };
  env.done('Airtable');
  return config;
});

export type AirtableConfig = ReturnType<typeof airtableConfig>;
