import { Test, type TestingModule } from '@nestjs/testing';
import { answerConsent } from '../../test/support/browser';
import { testConfig } from '../../test/support/config';
import { AirtableApiClient } from '../airtable/airtable-api.client';
import { AirtableModule } from '../airtable/airtable.module';
import { AirtableOAuthClient } from '../airtable/airtable-oauth.client';
import type { TokenSet } from '../airtable/token-set';
import { s256CodeChallenge } from '../auth/pkce';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import { CommonModule } from '../common/common.module';
import { ERRORS } from '../common/error-codes';
import { FakeClock } from '../../test/support/fake-clock';
import { randomToken } from '../common/random';
import { ConfigModule } from '../config/config.module';
import { sandboxEnv } from '../../test/support/sandbox-env';
import { type AirtableSandbox, type Grant, startSandbox } from 'airtable-sandbox';
import { StorageModule } from '../storage/storage.module';
import { ConnectionStore, type StoredConnection } from './connection.store';
import { ConnectionsModule } from './connections.module';
import { TokenService } from './token.service';

const TOKEN_ROUTE = 'POST /oauth2/v1/token';
const WHOAMI_ROUTE = 'GET /v0/meta/whoami';
const MARGIN_MS = 300_000;
const UPSTREAM_TIMEOUT_MS = 1_000;
/** Long enough for the test to act as another instance while the service's token request is held. */
const HOLD_MS = 500;

const json = (body: object) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** What a promise rejected with, to assert on the error itself. */
async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof AppError)) throw new Error(`Expected an AppError, got ${String(outcome)}`);
  return outcome;
}

describe('TokenService', () => {
  const clock = new FakeClock();
  let sandbox: AirtableSandbox;
  let moduleRef: TestingModule;
  let tokens: TokenService;
  let store: ConnectionStore;
  let oauth: AirtableOAuthClient;
  let api: AirtableApiClient;

  beforeAll(async () => {
    // No grace for a rotated refresh token: a late request with one gets invalid_grant, as after Airtable's window.
    sandbox = await startSandbox({ port: 0, refreshGraceMs: 0 });
    const config = testConfig({
      ...sandboxEnv(sandbox),
      TOKEN_REFRESH_MARGIN_SECONDS: String(MARGIN_MS / 1000),
      TOKEN_REFRESH_CONFLICT_WAIT_MS: '50',
      AIRTABLE_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
    });
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), StorageModule.forRoot(config), CommonModule, AirtableModule, ConnectionsModule],
    })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    tokens = moduleRef.get(TokenService);
    store = moduleRef.get(ConnectionStore);
    oauth = moduleRef.get(AirtableOAuthClient);
    api = moduleRef.get(AirtableApiClient);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await sandbox?.stop();
  });

  beforeEach(() => clock.set(Date.now()));
  afterEach(() => sandbox.recorder.clearFaults());

  /** A connection made as a login makes it: consent at the sandbox, a real code exchange, then stored. */
  async function connect(): Promise<{ stored: StoredConnection; grant: Grant; first: TokenSet }> {
    const state = randomToken();
    const verifier = randomToken();
    const callback = new URL(await answerConsent({ origin: '', sandbox }, oauth.authorizationUrl(state, s256CodeChallenge(verifier))));
    const first = await oauth.exchangeCode(callback.searchParams, state, verifier);
    const user = await api.whoami(first.accessToken);
    const id = randomToken();
    const now = clock.now();
    await store.create({ id, userId: user.id, scopes: first.scopes, status: 'active', tokens: first, createdAt: now, updatedAt: now });
    const grant = sandbox.grants.allGrants().find((g) => g.accessToken === first.accessToken)!;
    return { stored: (await store.load(id))!, grant, first };
  }

  const storedTokens = async (id: string) => (await store.get(id))?.tokens;
  const tokenCalls = () => sandbox.recorder.count(TOKEN_ROUTE);
  const expire = (tokenSet: TokenSet) => clock.set(tokenSet.expiresAt + 1_000);
  const tokenUsed = (stored: StoredConnection) => tokens.withAccessToken(stored, async (accessToken) => accessToken);

  /** Another instance refreshing the connection at Airtable and storing what it got. */
  async function refreshElsewhere(id: string): Promise<TokenSet> {
    const connection = (await store.get(id))!;
    const fresh = await oauth.refresh(connection.tokens!.refreshToken!);
    expect(await store.update({ ...connection, tokens: fresh, updatedAt: clock.now() })).toBe(true);
    return fresh;
  }

  /** Waits until the service's token request has reached the sandbox (where a fault holds it). */
  const tokenRequestArrived = (callsBefore: number) => vi.waitFor(() => expect(tokenCalls()).toBe(callsBefore + 1), { interval: 10 });

  describe('when the access token expires', () => {
    it('refreshes once for 20 concurrent calls, and all of them get the new token', async () => {
      const { stored, grant, first } = await connect();
      const calls = tokenCalls();
      expire(first);
      const used = await Promise.all(Array.from({ length: 20 }, () => tokenUsed(stored)));
      expect(tokenCalls() - calls).toBe(1);
      expect(new Set(used)).toEqual(new Set([grant.accessToken]));
      expect(grant.accessToken).not.toBe(first.accessToken);
      expect((await storedTokens(stored.connection.id))?.accessToken).toBe(grant.accessToken);
    });

    it('uses a token far from expiry without refreshing it', async () => {
      const { stored, first } = await connect();
      const calls = tokenCalls();
      expect(await tokenUsed(stored)).toBe(first.accessToken);
      clock.set(first.expiresAt - MARGIN_MS - 1_000);
      expect(await tokenUsed(stored)).toBe(first.accessToken);
      expect(tokenCalls()).toBe(calls);
      expect(await storedTokens(stored.connection.id)).toEqual(first);
    });

    it('refreshes a token within the margin before using it', async () => {
      const { stored, grant, first } = await connect();
      const calls = tokenCalls();
      clock.set(first.expiresAt - MARGIN_MS + 1_000);
      const seen: string[] = [];
      const user = await tokens.withAccessToken(stored, (accessToken) => {
        seen.push(accessToken);
        return api.whoami(accessToken);
      });
      expect(user.id).toBe(sandbox.user.id);
      expect(seen).toEqual([grant.accessToken]);
      expect(seen[0]).not.toBe(first.accessToken);
      expect(tokenCalls() - calls).toBe(1);
    });
  });

  describe('when Airtable answers 401 for a token believed valid', () => {
    it('refreshes once and retries the call once with the new token', async () => {
      const { stored, grant, first } = await connect();
      sandbox.grants.expireAccessToken(grant);
      const calls = tokenCalls();
      const seen: string[] = [];
      const user = await tokens.withAccessToken(stored, (accessToken) => {
        seen.push(accessToken);
        return api.whoami(accessToken);
      });
      expect(user.id).toBe(sandbox.user.id);
      expect(seen).toEqual([first.accessToken, grant.accessToken]);
      expect(tokenCalls() - calls).toBe(1);
    });

    it('never refreshes or retries more than once, however often Airtable answers 401', async () => {
      const { stored } = await connect();
      sandbox.recorder.fault(WHOAMI_ROUTE, { status: 401, ...json({ error: { type: 'AUTHENTICATION_REQUIRED' } }) });
      const [calls, whoamis] = [tokenCalls(), sandbox.recorder.count(WHOAMI_ROUTE)];
      const error = await rejectionOf(tokens.withAccessToken(stored, (accessToken) => api.whoami(accessToken)));
      expect(error.code).toBe(ErrorCode.ReauthRequired);
      expect(sandbox.recorder.count(WHOAMI_ROUTE) - whoamis).toBe(2);
      expect(tokenCalls() - calls).toBe(1);
    });

    it('neither refreshes nor retries after any other failure of the call', async () => {
      const { stored } = await connect();
      const calls = tokenCalls();
      let attempts = 0;
      const error = await rejectionOf(
        tokens.withAccessToken(stored, async () => {
          attempts++;
          throw new AppError(ErrorCode.BaseNotAccessible);
        }),
      );
      expect(error.code).toBe(ErrorCode.BaseNotAccessible);
      expect(attempts).toBe(1);
      expect(tokenCalls()).toBe(calls);
    });
  });

  describe('when the token endpoint answers 409', () => {
    /** An expired connection whose refresh the token endpoint holds, then answers 409. */
    async function refreshHeldFor409() {
      const { stored, first } = await connect();
      expire(first);
      sandbox.recorder.fault(TOKEN_ROUTE, { status: 409, ...json({ error: 'conflict' }), delayMs: HOLD_MS, times: 1 });
      const calls = tokenCalls();
      const used = tokenUsed(stored);
      await tokenRequestArrived(calls);
      return { stored, first, calls, used };
    }

    it('reads the store again and uses the tokens another instance stored meanwhile, without a second refresh', async () => {
      const { stored, calls, used } = await refreshHeldFor409();
      const winner = await refreshElsewhere(stored.connection.id);
      expect(await used).toBe(winner.accessToken);
      // The service's one request (answered 409) and the other instance's: nothing more.
      expect(tokenCalls() - calls).toBe(2);
      expect(await storedTokens(stored.connection.id)).toEqual(winner);
    });

    it('also uses the tokens another instance stored when its answer brought no new refresh token', async () => {
      const { stored, first, used } = await refreshHeldFor409();
      // What the other instance stores when Airtable's answer carries no refresh token: the old one, kept.
      const connection = (await store.get(stored.connection.id))!;
      const fresh = await oauth.refresh(first.refreshToken!);
      const kept = { ...fresh, refreshToken: first.refreshToken };
      await store.update({ ...connection, tokens: kept, updatedAt: clock.now() });
      expect(await used).toBe(fresh.accessToken);
    });

    it('gives refresh_unavailable when no other instance stored new tokens, and keeps the stored ones', async () => {
      const { stored, first } = await connect();
      expire(first);
      sandbox.recorder.fault(TOKEN_ROUTE, { status: 409, ...json({ error: 'conflict' }), times: 1 });
      const calls = tokenCalls();
      const error = await rejectionOf(tokenUsed(stored));
      expect(error.code).toBe(ErrorCode.RefreshUnavailable);
      expect(ERRORS[error.code].status).toBe(503);
      expect(error.retryAfterSeconds).toBeGreaterThan(0);
      expect(tokenCalls() - calls).toBe(1);
      expect(await store.get(stored.connection.id)).toMatchObject({ status: 'active', tokens: first });
    });
  });

  describe('when the token endpoint answers invalid_grant', () => {
    it('uses the tokens another instance stored meanwhile, and the connection stays active', async () => {
      const { stored, first } = await connect();
      expire(first);
      // Held, then answered for real: by then the other instance has rotated the refresh token it carries.
      sandbox.recorder.fault(TOKEN_ROUTE, { delayMs: HOLD_MS, times: 1 });
      const calls = tokenCalls();
      const user = tokens.withAccessToken(stored, (accessToken) => api.whoami(accessToken));
      await tokenRequestArrived(calls);
      const winner = await refreshElsewhere(stored.connection.id);
      expect((await user).id).toBe(sandbox.user.id);
      expect(sandbox.recorder.tokenRequests.slice(-2).map((r) => r.status)).toEqual([200, 400]);
      expect(tokenCalls() - calls).toBe(2);
      expect(await store.get(stored.connection.id)).toMatchObject({ status: 'active', tokens: winner });
    });

    it('marks the connection reauth_required and drops its tokens when nobody refreshed it', async () => {
      const { stored, grant, first } = await connect();
      sandbox.grants.revoke(grant);
      expire(first);
      const calls = tokenCalls();
      expect((await rejectionOf(tokenUsed(stored))).code).toBe(ErrorCode.ReauthRequired);
      expect(tokenCalls() - calls).toBe(1);
      const after = await store.load(stored.connection.id);
      expect(after?.connection.status).toBe('reauth_required');
      expect(after?.sealedTokens).toBeNull();
      expect((await rejectionOf(tokenUsed(after!))).code).toBe(ErrorCode.ReauthRequired);
      expect(tokenCalls() - calls).toBe(1);
    });
  });

  describe('when the token endpoint fails or does not answer', () => {
    it('gives refresh_unavailable on a 500, keeps the tokens, and the next call refreshes', async () => {
      const { stored, grant, first } = await connect();
      expire(first);
      sandbox.recorder.fault(TOKEN_ROUTE, { status: 500, ...json({ error: 'server_error' }), times: 1 });
      const error = await rejectionOf(tokenUsed(stored));
      expect(error.code).toBe(ErrorCode.RefreshUnavailable);
      expect(ERRORS[error.code].status).toBe(503);
      expect(await store.get(stored.connection.id)).toMatchObject({ status: 'active', tokens: first });
      expect(await tokenUsed(stored)).toBe(grant.accessToken);
      expect(grant.accessToken).not.toBe(first.accessToken);
    });

    it('gives refresh_unavailable on a timeout and keeps the tokens', async () => {
      const { stored, grant, first } = await connect();
      expire(first);
      sandbox.recorder.fault(TOKEN_ROUTE, { status: 500, delayMs: 4 * UPSTREAM_TIMEOUT_MS, times: 1 });
      const startedAt = Date.now();
      const error = await rejectionOf(tokenUsed(stored));
      expect(Date.now() - startedAt).toBeLessThan(3 * UPSTREAM_TIMEOUT_MS);
      expect(error.code).toBe(ErrorCode.RefreshUnavailable);
      expect(await store.get(stored.connection.id)).toMatchObject({ status: 'active', tokens: first });
      expect(await tokenUsed(stored)).toBe(grant.accessToken);
    });
  });

  describe('storing refreshed tokens', () => {
    it('stores the rotated refresh token before the new access token is used', async () => {
      const { stored, grant, first } = await connect();
      expire(first);
      const seen = await tokens.withAccessToken(stored, async (accessToken) => ({ accessToken, stored: await storedTokens(stored.connection.id) }));
      expect(seen.stored?.accessToken).toBe(seen.accessToken);
      expect(seen.stored?.refreshToken).toBe(grant.refreshToken);
      expect(seen.stored?.refreshToken).not.toBe(first.refreshToken);
    });

    it('keeps the old refresh token when the response brings none', async () => {
      const { stored, first } = await connect();
      expire(first);
      const fresh = { access_token: 'oaaAccessWithoutRefresh', token_type: 'Bearer', expires_in: 3600, scope: first.scopes.join(' ') };
      sandbox.recorder.fault(TOKEN_ROUTE, { status: 200, ...json(fresh), times: 1 });
      expect(await tokenUsed(stored)).toBe(fresh.access_token);
      expect(await storedTokens(stored.connection.id)).toMatchObject({
        accessToken: fresh.access_token,
        refreshToken: first.refreshToken,
        refreshExpiresAt: first.refreshExpiresAt,
      });
    });

    it('does not refresh a connection deleted before the refresh', async () => {
      const { stored, first } = await connect();
      await store.delete(stored.connection.id);
      expire(first);
      const calls = tokenCalls();
      const call = vi.fn(async (accessToken: string) => accessToken);
      expect((await rejectionOf(tokens.withAccessToken(stored, call))).code).toBe(ErrorCode.ReauthRequired);
      expect(call).not.toHaveBeenCalled();
      expect(tokenCalls()).toBe(calls);
      expect(await store.get(stored.connection.id)).toBeUndefined();
    });

    it('stores nothing when the connection was deleted while its refresh was under way', async () => {
      const { stored, grant, first } = await connect();
      expire(first);
      sandbox.recorder.fault(TOKEN_ROUTE, { delayMs: HOLD_MS, times: 1 });
      const calls = tokenCalls();
      const call = vi.fn(async (accessToken: string) => accessToken);
      const used = tokens.withAccessToken(stored, call);
      await tokenRequestArrived(calls);
      await store.delete(stored.connection.id);
      expect((await rejectionOf(used)).code).toBe(ErrorCode.ReauthRequired);
      // Airtable did rotate the tokens; the service kept none of them.
      expect(grant.accessToken).not.toBe(first.accessToken);
      expect(call).not.toHaveBeenCalled();
      expect(await store.get(stored.connection.id)).toBeUndefined();
    });
  });
});
