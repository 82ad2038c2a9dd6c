import { DEFAULT_SCOPES } from '../config/airtable.config';
import { ConfigError } from '../config/config-error';
import type { Environment } from '../config/env-reader';
import { demoDatabasePath, namesDatabase } from './demo-folder';
import type { DemoSecrets } from './demo-secrets';

/**
 * The demo's settings, laid over the environment: its database and secrets from the demo folder unless
 * the environment gives its own, and the sandbox marked, which keeps the service on loopback by default.
 */
export function demoSettings(env: Environment, dir: string, secrets: DemoSecrets): Record<string, string> {
  return {
    AIRTABLE_SANDBOX: 'true',
    AIRTABLE_REDIRECT_URI: env.AIRTABLE_REDIRECT_URI || `http://localhost:${env.PORT || 4000}/airtable-oauth`,
    // The sandbox enables every scope, so the demo can make webhooks too.
    AIRTABLE_SCOPES: env.AIRTABLE_SCOPES || `${DEFAULT_SCOPES} webhook:manage`,
    SESSION_SECRET: env.SESSION_SECRET || secrets.generated('SESSION_SECRET'),
    TOKEN_ENCRYPTION_KEY: env.TOKEN_ENCRYPTION_KEY || secrets.generated('TOKEN_ENCRYPTION_KEY'),
    ...(namesDatabase(env) ? {} : { DATABASE_PATH: demoDatabasePath(dir) }),
  };
}

/** The settings that point the service at the running sandbox, as its integration. */
export function sandboxClientSettings(sandboxUrl: string, clientId: string, clientSecret: string): Record<string, string> {
  return {
    AIRTABLE_CLIENT_ID: clientId,
    AIRTABLE_CLIENT_SECRET: clientSecret,
    AIRTABLE_AUTHORIZE_URL: `${sandboxUrl}/oauth2/v1/authorize`,
    AIRTABLE_TOKEN_URL: `${sandboxUrl}/oauth2/v1/token`,
    AIRTABLE_API_URL: sandboxUrl,
  };
}

/** The sandbox's port from SANDBOX_PORT (0: any free port), 4001 when unset. */
export function sandboxPort(env: Environment): number {
  const raw = env.SANDBOX_PORT?.trim();
  if (!raw) return 4001;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) {
    throw new ConfigError(`SANDBOX_PORT must be a whole number from 0 to 65535 (0: any free port), got "${raw}".`);
  }
  return port;
}
