import { configNamespace } from './config-namespace';
import type { EnvReader } from './env-reader';

const DAY_SECONDS = 24 * 3600;

/** TOKEN_ENCRYPTION_KEY: comma-separated 32-byte keys (base64, base64url or hex); the first encrypts. */
function parseKeys(env: EnvReader, raw: string): Buffer[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, i) => {
      const key = /^[0-9a-f]{64}$/i.test(part) ? Buffer.from(part, 'hex') : Buffer.from(part, 'base64url');
      if (key.length !== 32) env.problem(`TOKEN_ENCRYPTION_KEY key ${i + 1} must be 32 bytes (base64, base64url or 64 hex digits)`);
      return key;
    });
}

export const tokensConfig = configNamespace('tokens', (env) => ({
  encryptionKeys: parseKeys(env, env.string('TOKEN_ENCRYPTION_KEY')),
  /** An access token this close to expiry (by local receipt time) is refreshed before use. */
  refreshMarginMs: env.integer('TOKEN_REFRESH_MARGIN_SECONDS', 300, 0) * 1000,
  /** After a 409 from the token endpoint (another refresh won), wait this long and read the store again. */
  refreshConflictWaitMs: env.integer('TOKEN_REFRESH_CONFLICT_WAIT_MS', 500, 0),
  /** How often the keep-alive job looks for refresh tokens that near their end. */
  keepAliveIntervalMs: env.integer('KEEPALIVE_INTERVAL_SECONDS', 3600) * 1000,
  /** Refresh tokens that expire within this window are refreshed by the keep-alive job. */
  keepAliveWindowMs: env.integer('KEEPALIVE_WINDOW_SECONDS', 7 * DAY_SECONDS) * 1000,
  /** Pause between two keep-alive refreshes, to stay gentle with Airtable. */
  keepAlivePaceMs: env.integer('KEEPALIVE_PACE_MS', 1000, 0),
}));

export type TokensConfig = ReturnType<typeof tokensConfig>;
