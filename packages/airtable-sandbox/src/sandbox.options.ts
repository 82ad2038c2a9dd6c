import type { SandboxSeed } from './sandbox-seed-types';

export interface SandboxClient {
  clientId: string;
  /** Set: a confidential client that must use HTTP Basic; unset: a public client that must not. */
  clientSecret?: string;
  redirectUris: string[];
  /** Scopes enabled for this integration; a request for any other is invalid_scope. */
  scopes: string[];
}

/** Where the sandbox's expiries (all but the rate limit's) read the time, so a test can move it instead of waiting. */
export interface SandboxClock {
  /** Epoch milliseconds. */
  now(): number;
}

export const SYSTEM_CLOCK: SandboxClock = { now: () => Date.now() };

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
  /** Seeded records per table, by table name, laid over DEFAULT_TABLE_SIZES. */
  tableSizes: Record<string, number>;
  /** A list offset stops working this long after its iteration was last used (LIST_RECORDS_ITERATOR_NOT_AVAILABLE). */
  offsetTtlMs: number;
  /** At most this many list iterations are kept; past it, the least recently used one is dropped. */
  maxListIterations: number;
  /** A webhook is disabled this long after its creation or last refresh (Airtable: 7 days for OAuth tokens). */
  webhookTtlMs: number;
  /** Webhook payloads older than this are dropped (Airtable: 7 days). */
  payloadTtlMs: number;
  /** The waits before each retry of a failed ping; after the last one the ping is given up. */
  pingRetryDelaysMs: number[];
  /** A ping without an answer in this time has failed. */
  pingTimeoutMs: number;
  /**
   * Codes, consents, tokens, list offsets and webhooks read it; the system clock by default. The rate limit
   * keeps to real time: a client paces its calls with real waits, which a stopped clock would not see.
   */
  clock: SandboxClock;
  /** Bases, tables and records served instead of the demo data (`tableSizes` then cannot be set); see `SandboxSeed`. */
  seed?: SandboxSeed;
  /** A JSON file holding the sandbox's state across restarts: loaded at start when it exists, saved after changes and on close. */
  dataFile?: string;
}

/** Contacts is large enough to page through; the other tables are small. */
export const DEFAULT_TABLE_SIZES: Readonly<Record<string, number>> = {
  Contacts: 2_500,
  Companies: 40,
  Deals: 60,
  Features: 30,
  Releases: 8,
  Candidates: 25,
  'Old records': 5,
};

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
    offsetTtlMs: 5 * 60_000,
    maxListIterations: 100,
    webhookTtlMs: 7 * 24 * 60 * 60_000,
    payloadTtlMs: 7 * 24 * 60 * 60_000,
    pingRetryDelaysMs: [1_000, 5_000, 30_000, 2 * 60_000],
    pingTimeoutMs: 10_000,
    ...overrides,
    tableSizes: { ...DEFAULT_TABLE_SIZES, ...overrides.tableSizes },
    clock: overrides.clock ?? SYSTEM_CLOCK,
  };
}

/**
 * SANDBOX_ACCESS_TOKEN_TTL_SECONDS, SANDBOX_REFRESH_TOKEN_TTL_SECONDS, SANDBOX_WEBHOOK_TTL_SECONDS:
 * watch refreshes happen, and webhooks expire, in seconds rather than hours or days.
 */
export function sandboxLifetimes(env: Readonly<Record<string, string | undefined>>): Partial<SandboxOptions> {
  const names = { accessTokenTtlMs: 'SANDBOX_ACCESS_TOKEN_TTL_SECONDS', refreshTokenTtlMs: 'SANDBOX_REFRESH_TOKEN_TTL_SECONDS', webhookTtlMs: 'SANDBOX_WEBHOOK_TTL_SECONDS' };
  const lifetimes: Partial<SandboxOptions> = {};
  for (const [option, name] of Object.entries(names) as Array<[keyof typeof names, string]>) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`${name}: "${raw}" is not a positive number of seconds`);
    lifetimes[option] = seconds * 1000;
  }
  return lifetimes;
}

/** SANDBOX_TABLE_SIZES=Contacts=50000,Deals=10: seeded records per table, by table name. */
export function sandboxTableSizes(env: Readonly<Record<string, string | undefined>>): Partial<SandboxOptions> {
  const raw = env.SANDBOX_TABLE_SIZES?.trim();
  return raw ? { tableSizes: parseTableSizes(raw, 'SANDBOX_TABLE_SIZES') } : {};
}

/** `Contacts=50000,Deals=10`; an error names `source`, where the text came from. */
export function parseTableSizes(raw: string, source: string): Record<string, number> {
  const entries = raw.split(',').map((entry) => {
    const match = /^\s*([^=]+?)\s*=\s*(\d{1,9})\s*$/.exec(entry);
    if (!match) throw new Error(`${source}: "${entry}" is not Table name=count`);
    return [match[1], Number(match[2])] as const;
  });
  return Object.fromEntries(entries);
}
