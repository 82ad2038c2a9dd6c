import { randomToken } from '../common/random';
import { type AirtableSandbox, ALL_SCOPES, SANDBOX_CLIENT_ID, sandboxLifetimes, sandboxTableSizes, startSandbox } from 'airtable-sandbox';
import { DEFAULT_SCOPES } from './airtable.config';
import { ConfigError } from './config-error';
import type { Environment } from './env-reader';

/** Why the sandbox runs: asked for, or no Airtable client configured outside production. */
export type SandboxReason = 'requested' | 'no-credentials';

function sandboxReason(env: Environment): SandboxReason | undefined {
  const flag = env.AIRTABLE_SANDBOX?.trim().toLowerCase();
  if (flag === 'true' || flag === '1') {
    // An emulated Airtable with generated secrets has no place behind real users.
    if (env.NODE_ENV === 'production') {
      throw new ConfigError('AIRTABLE_SANDBOX=true is refused with NODE_ENV=production: the sandbox is for development and tests.');
    }
    return 'requested';
  }
  if (flag === 'false' || flag === '0') return undefined;
  return !env.AIRTABLE_CLIENT_ID && !env.CLIENT_ID && env.NODE_ENV !== 'production' ? 'no-credentials' : undefined;
}

/** The settings that point the service at a running sandbox. */
export function sandboxEnv(sandbox: AirtableSandbox, clientId = SANDBOX_CLIENT_ID): Record<string, string> {
  const client = sandbox.options.clients.find((c) => c.clientId === clientId);
  if (!client) throw new Error(`The sandbox has no client ${clientId}`);
  return {
    AIRTABLE_SANDBOX: 'true',
    AIRTABLE_CLIENT_ID: client.clientId,
    AIRTABLE_CLIENT_SECRET: client.clientSecret ?? '',
    AIRTABLE_REDIRECT_URI: client.redirectUris[0],
    AIRTABLE_AUTHORIZE_URL: `${sandbox.url}/oauth2/v1/authorize`,
    AIRTABLE_TOKEN_URL: `${sandbox.url}/oauth2/v1/token`,
    AIRTABLE_API_URL: sandbox.url,
  };
}

export interface SandboxMode {
  sandbox: AirtableSandbox;
  reason: SandboxReason;
  /** Variables that point the service at the sandbox, laid over the environment it was started with. */
  settings: Record<string, string>;
}

/**
 * Starts the sandbox next to the service and returns the settings to use it, with generated secrets when
 * none are set. Returns undefined when the service should talk to the real Airtable.
 */
export async function startSandboxMode(env: Environment): Promise<SandboxMode | undefined> {
  const reason = sandboxReason(env);
  if (!reason) return undefined;
  const redirectUri = env.AIRTABLE_REDIRECT_URI || `http://localhost:${env.PORT || 4000}/airtable-oauth`;
  const sandbox = await startSandbox({
    ...sandboxLifetimes(env),
    ...sandboxTableSizes(env),
    port: Number(env.SANDBOX_PORT || 4001),
    clients: [
      {
        clientId: SANDBOX_CLIENT_ID,
        clientSecret: env.SANDBOX_CLIENT_SECRET || undefined,
        redirectUris: [redirectUri],
        scopes: ALL_SCOPES,
      },
    ],
  });
  const settings = {
    ...sandboxEnv(sandbox),
    SESSION_SECRET: env.SESSION_SECRET || randomToken(),
    TOKEN_ENCRYPTION_KEY: env.TOKEN_ENCRYPTION_KEY || randomToken(),
    // The sandbox forgets its grants when it stops, so by default the service's store does too.
    DATABASE_PATH: env.DATABASE_PATH || ':memory:',
    // The sandbox enables every scope, so the demo can make webhooks too.
    AIRTABLE_SCOPES: env.AIRTABLE_SCOPES || `${DEFAULT_SCOPES} webhook:manage`,
  };
  return { sandbox, reason, settings };
}
