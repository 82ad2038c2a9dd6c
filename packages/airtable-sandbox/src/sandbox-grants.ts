import { createHash, randomBytes } from 'node:crypto';
import type { SandboxOptions } from './sandbox.options';

/** What a user allowed one client on the consent screen. */
export interface Grant {
  id: string;
  clientId: string;
  userId: string;
  scopes: string[];
  baseIds: string[];
  revoked: boolean;
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
  /** Refresh times in the last second, to revoke a grant that refreshes more than 10 times a second. */
  recentRefreshes: number[];
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  userId: string;
  scopes: string[];
  baseIds: string[];
  expiresAt: number;
}

/** What a restart must keep of the grant store, for the data file. */
export interface GrantStoreState {
  grants: Grant[];
  codes: Array<[string, AuthorizationCode]>;
  /** Refresh tokens rotated away within the grace: token -> [grant id, rotation time]. */
  rotated: Array<[string, [string, number]]>;
}

export type RefreshOutcome =
  | { kind: 'rotated'; grant: Grant }
  | { kind: 'duplicate' }
  | { kind: 'invalid' }
  | { kind: 'invalid_scope' };

const MAX_REFRESHES_PER_SECOND = 10;

/** Opaque tokens in Airtable's observed shape: `oaa<14>.v1.<base64url json>.<64 hex>`. */
function newToken(kind: 'access' | 'refresh', grantId: string): string {
  const prefix = randomBytes(14).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 14);
  const body = Buffer.from(JSON.stringify({ kind, grantId, nonce: randomBytes(8).toString('hex') })).toString(
    'base64url',
  );
  return `oaa${prefix}.v1.${body}.${randomBytes(32).toString('hex')}`;
}

/** Codes and grants with Airtable's rules: single-use codes, rotation on every refresh, a short grace for duplicates. */
export class GrantStore {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly byAccessToken = new Map<string, string>();
  private readonly byRefreshToken = new Map<string, string>();
  /** Refresh tokens rotated away within the grace: token -> [grant id, rotation time]. */
  private readonly rotated = new Map<string, [string, number]>();

  /** `changed` hears of changes made by the test controls, which come outside any request. */
  constructor(
    private readonly options: SandboxOptions,
    private readonly changed: () => void = () => undefined,
  ) {}

  private now(): number {
    return this.options.clock.now();
  }

  issueCode(code: Omit<AuthorizationCode, 'expiresAt'>): string {
    const value = randomBytes(32).toString('base64url');
    const now = this.now();
    this.prune(now);
    this.codes.set(value, { ...code, expiresAt: now + this.options.codeTtlMs });
    return value;
  }

  /** Removes the code whatever happens next: a code is single use even when the exchange fails. */
  takeCode(value: string): AuthorizationCode | undefined {
    const code = this.codes.get(value);
    this.codes.delete(value);
    return code && code.expiresAt > this.now() ? code : undefined;
  }

  createGrant(code: AuthorizationCode): Grant {
    const id = createHash('sha256').update(randomBytes(16)).digest('hex').slice(0, 16);
    const grant: Grant = {
      id,
      clientId: code.clientId,
      userId: code.userId,
      scopes: code.scopes,
      baseIds: code.baseIds,
      revoked: false,
      accessToken: '',
      accessExpiresAt: 0,
      refreshToken: '',
      refreshExpiresAt: 0,
      recentRefreshes: [],
    };
    this.grants.set(id, grant);
    this.rotate(grant);
    return grant;
  }

  /** `scopes`, when given, must be a subset of the grant's and narrows it. */
  refresh(refreshToken: string, clientId: string, scopes?: string[]): RefreshOutcome {
    const now = this.now();
    this.prune(now);
    const rotated = this.rotated.get(refreshToken);
    if (rotated) {
      const grant = this.grants.get(rotated[0]);
      const withinGrace = now - rotated[1] <= this.options.refreshGraceMs;
      return withinGrace && grant && !grant.revoked ? { kind: 'duplicate' } : { kind: 'invalid' };
    }
    const grant = this.grantFor(this.byRefreshToken, refreshToken);
    if (!grant || grant.refreshExpiresAt <= now) return { kind: 'invalid' };
    if (grant.clientId !== clientId) return { kind: 'invalid' };
    if (scopes && scopes.some((s) => !grant.scopes.includes(s))) return { kind: 'invalid_scope' };
    grant.recentRefreshes = grant.recentRefreshes.filter((t) => now - t < 1000).concat(now);
    if (grant.recentRefreshes.length > MAX_REFRESHES_PER_SECOND) {
      this.revoke(grant);
      return { kind: 'invalid' };
    }
    this.rotated.set(refreshToken, [grant.id, now]);
    if (scopes) grant.scopes = scopes;
    this.rotate(grant);
    return { kind: 'rotated', grant };
  }

  /** The grant behind a live access token, or undefined for an unknown, expired, rotated or revoked one. */
  grantForAccessToken(token: string): Grant | undefined {
    const grant = this.grantFor(this.byAccessToken, token);
    return grant && grant.accessExpiresAt > this.now() ? grant : undefined;
  }

  /** Ends the current access token now, as Airtable does when a token outlives its hour. */
  expireAccessToken(grant: Grant): void {
    grant.accessExpiresAt = this.now();
    this.changed();
  }

  /** Ends a grant as if the user removed the integration in Airtable's UI. */
  revoke(grant: Grant): void {
    grant.revoked = true;
    this.byAccessToken.delete(grant.accessToken);
    this.byRefreshToken.delete(grant.refreshToken);
    this.changed();
  }

  allGrants(): Grant[] {
    return [...this.grants.values()];
  }

  /** Grants with their live tokens, unexpired codes, and the tokens rotated away within the grace (so they still answer 409). */
  snapshot(): GrantStoreState {
    this.prune(this.now());
    return { grants: [...this.grants.values()], codes: [...this.codes], rotated: [...this.rotated] };
  }

  restore(state: GrantStoreState): void {
    for (const map of [this.codes, this.grants, this.byAccessToken, this.byRefreshToken, this.rotated]) map.clear();
    for (const grant of state.grants) {
      this.grants.set(grant.id, grant);
      if (grant.revoked) continue;
      this.byAccessToken.set(grant.accessToken, grant.id);
      this.byRefreshToken.set(grant.refreshToken, grant.id);
    }
    for (const [value, code] of state.codes) this.codes.set(value, code);
    for (const [token, rotation] of state.rotated) this.rotated.set(token, rotation);
  }

  /**
   * Forgets expired codes, and tokens rotated away longer ago than the grace: such a token then answers
   * invalid_grant as an unknown one does, which is its answer after the grace anyway.
   */
  private prune(now: number): void {
    for (const [value, code] of this.codes) if (code.expiresAt <= now) this.codes.delete(value);
    for (const [token, [, rotatedAt]] of this.rotated) if (now - rotatedAt > this.options.refreshGraceMs) this.rotated.delete(token);
  }

  private grantFor(index: Map<string, string>, token: string): Grant | undefined {
    const id = index.get(token);
    const grant = id === undefined ? undefined : this.grants.get(id);
    return grant && !grant.revoked ? grant : undefined;
  }

  /** Every refresh kills the previous access and refresh token at once. */
  private rotate(grant: Grant): void {
    const now = this.now();
    this.byAccessToken.delete(grant.accessToken);
    this.byRefreshToken.delete(grant.refreshToken);
    grant.accessToken = newToken('access', grant.id);
    grant.refreshToken = newToken('refresh', grant.id);
    grant.accessExpiresAt = now + this.options.accessTokenTtlMs;
    grant.refreshExpiresAt = now + this.options.refreshTokenTtlMs;
    this.byAccessToken.set(grant.accessToken, grant.id);
    this.byRefreshToken.set(grant.refreshToken, grant.id);
  }
}
