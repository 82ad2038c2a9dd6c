export interface SandboxClient {
  clientId: string;
  /** Set: a confidential client that must use HTTP Basic; unset: a public client that must not. */
  clientSecret?: string;
  redirectUris: string[];
  /** Scopes enabled for this integration; a request for any other is invalid_scope. */
  scopes: string[];
}

export interface SandboxOptions {
  port: number;
  host: string;
  clients: SandboxClient[];
  codeTtlMs: number;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  /** A second refresh with the same token inside this window answers 409 instead of invalid_grant. */
  refreshGraceMs: number;
  /** Pending consent screens expire after this. */
  consentTtlMs: number;
  /** Bases per page of `GET /v0/meta/bases` (Airtable: up to 1000). */
  basesPageSize: number;
  /** Airtable's limit: this many requests per second per base; over it, 429 for `rateLimitLockoutMs`. */
  rateLimitPerSecond: number;
  rateLimitLockoutMs: number;
}

export const ALL_SCOPES = [
  'data.records:read',
  'data.records:write',
  'data.recordComments:read',
  'data.recordComments:write',
  'schema.bases:read',
  'schema.bases:write',
  'webhook:manage',
  'block:manage',
  'user.email:read',
];

export const SANDBOX_CLIENT_ID = 'sandbox-client';

export function sandboxOptions(overrides: Partial<SandboxOptions> = {}): SandboxOptions {
  return {
    port: 4001,
    host: '127.0.0.1',
    clients: [
      {
        clientId: SANDBOX_CLIENT_ID,
        redirectUris: ['http://localhost:4000/airtable-oauth'],
        scopes: ALL_SCOPES,
      },
    ],
    codeTtlMs: 10 * 60_000,
    accessTokenTtlMs: 60 * 60_000,
    refreshTokenTtlMs: 60 * 24 * 60 * 60_000,
    refreshGraceMs: 10_000,
    consentTtlMs: 10 * 60_000,
    basesPageSize: 1000,
    rateLimitPerSecond: 5,
    rateLimitLockoutMs: 30_000,
    ...overrides,
  };
}

/** SANDBOX_ACCESS_TOKEN_TTL_SECONDS / SANDBOX_REFRESH_TOKEN_TTL_SECONDS: watch refreshes happen in seconds. */
export function sandboxLifetimes(env: Readonly<Record<string, string | undefined>>): Partial<SandboxOptions> {
  const seconds = (name: string) => (env[name] ? Number(env[name]) * 1000 : undefined);
  const lifetimes = {
    accessTokenTtlMs: seconds('SANDBOX_ACCESS_TOKEN_TTL_SECONDS'),
    refreshTokenTtlMs: seconds('SANDBOX_REFRESH_TOKEN_TTL_SECONDS'),
  };
  return Object.fromEntries(Object.entries(lifetimes).filter(([, value]) => value !== undefined));
}
