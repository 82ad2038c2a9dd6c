import type { Grant } from 'airtable-sandbox';
import { SQL_DATABASE } from '../src/storage/sql/sql.providers';
import type { SqlSchema } from '../src/storage/sql/sql-database';
import type { Kysely } from 'kysely';
import { ConnectionStore } from '../src/connections/connection.store';
import { deleteKeys, REDIS_URL, testPrefix } from './support/redis';
import { TestBrowser } from './support/browser';
import { cookieValue, setCookie } from './support/cookies';
import { FakeClock } from './support/fake-clock';
import { type Stack, stacksClosedAfterEach, tempDatabase } from './support/stack';

const TOKEN_ROUTE = 'POST /oauth2/v1/token';

function refreshes(stack: Stack) {
  return stack.sandbox.recorder.tokenRequests.filter((r) => r.grantType === 'refresh_token');
}

async function signedIn(stack: Stack): Promise<{ browser: TestBrowser; grant: Grant; sid: string }> {
  const browser = new TestBrowser(stack);
  const res = await browser.signIn();
  expect(res.status).toBe(303);
  return { browser, grant: stack.sandbox.grants.allGrants().at(-1)!, sid: cookieValue(setCookie(res, 'sid'))! };
}

describe('Token refresh', () => {
  const start = stacksClosedAfterEach();

  // Access tokens live one second and are refreshed only once expired; the service and the sandbox share
  // a clock, which a test moves past that second.
  const shortLived = { sandbox: { accessTokenTtlMs: 1_000 }, env: { TOKEN_REFRESH_MARGIN_SECONDS: '0' } };
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock();
  });

  it('refreshes an expired access token exactly once for 50 concurrent requests, and all succeed', async () => {
    const stack = await start({ ...shortLived, clock });
    const { browser, grant } = await signedIn(stack);
    const firstToken = grant.accessToken;
    clock.advance(1_100);
    const results = await Promise.all(Array.from({ length: 50 }, () => browser.agent.get('/me')));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(refreshes(stack)).toEqual([expect.objectContaining({ status: 200 })]);
    expect(grant.accessToken).not.toBe(firstToken);
  });

  it('refreshes before expiry, within the configured margin', async () => {
    const stack = await start({ sandbox: { accessTokenTtlMs: 60_000 }, env: { TOKEN_REFRESH_MARGIN_SECONDS: '120' } });
    const { browser } = await signedIn(stack);
    await browser.agent.get('/me').expect(200);
    expect(refreshes(stack)).toHaveLength(1);
  });

  it('refreshes once after Airtable answers 401 for a token believed valid, and retries once', async () => {
    const stack = await start({});
    const { browser, grant } = await signedIn(stack);
    stack.sandbox.grants.expireAccessToken(grant);
    const whoamiBefore = stack.sandbox.recorder.count('GET /v0/meta/whoami');
    const results = await Promise.all(Array.from({ length: 50 }, () => browser.agent.get('/me')));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(refreshes(stack)).toHaveLength(1);
    // A request that met a 401 retried once with the new token; later ones used the new token at once.
    const calls = stack.sandbox.recorder.count('GET /v0/meta/whoami') - whoamiBefore;
    expect(calls).toBeGreaterThan(50);
    expect(calls).toBeLessThanOrEqual(100);
  });

  it('never retries more than once when Airtable keeps answering 401', async () => {
    const stack = await start({});
    const { browser } = await signedIn(stack);
    stack.sandbox.recorder.fault('GET /v0/meta/whoami', { status: 401, body: JSON.stringify({ error: { type: 'AUTHENTICATION_REQUIRED' } }) });
    const res = await browser.agent.get('/me');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('reauth_required');
    expect(stack.sandbox.recorder.count('GET /v0/meta/whoami')).toBe(2 + 1); // sign-in, call, one retry
    expect(refreshes(stack)).toHaveLength(1);
  });

  it('turns invalid_grant into reauth_required: tokens dropped, home page says so', async () => {
    const stack = await start({ ...shortLived, clock });
    const { browser, grant } = await signedIn(stack);
    stack.sandbox.grants.revoke(grant);
    clock.advance(1_100);
    const res = await browser.agent.get('/me');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'reauth_required', loginUrl: '/auth/login' });
    const db = stack.app.get<Kysely<SqlSchema>>(SQL_DATABASE);
    expect(await db.selectFrom('connections').select(['status', 'tokens']).execute()).toEqual([{ status: 'reauth_required', tokens: null }]);
    // No second refresh attempt for a connection known to be dead.
    await browser.agent.get('/bases').expect(401);
    expect(refreshes(stack)).toHaveLength(1);
    const home = await browser.home();
    expect(home.text).toContain('no longer accepts this connection');
    expect(home.text).toContain('Connect again');
  });

  it('keeps the tokens and answers 503 with Retry-After when the token endpoint fails or hangs', async () => {
    const stack = await start({ ...shortLived, clock, env: { ...shortLived.env, AIRTABLE_TIMEOUT_MS: '300' } });
    const { browser } = await signedIn(stack);
    clock.advance(1_100);
    for (const fault of [{ status: 500, body: 'oops' }, { status: 502 }, { delayMs: 1_000 }]) {
      stack.sandbox.recorder.fault(TOKEN_ROUTE, { ...fault, times: 1 });
      const res = await browser.agent.get('/me');
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('refresh_unavailable');
      expect(res.headers['retry-after']).toBeDefined();
    }
    // The stored refresh token survived every failure.
    await browser.agent.get('/me').expect(200);
  });

  it('answers 503 after a 409 when no other refresh stored new tokens, and recovers', async () => {
    const stack = await start({ ...shortLived, clock });
    const { browser } = await signedIn(stack);
    clock.advance(1_100);
    stack.sandbox.recorder.fault(TOKEN_ROUTE, { status: 409, body: JSON.stringify({ error: 'conflict' }), headers: { 'content-type': 'application/json' }, times: 1 });
    const res = await browser.agent.get('/me');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('refresh_unavailable');
    await browser.agent.get('/me').expect(200);
  });

  it("after a 409, uses the tokens another instance's refresh stored", async () => {
    const path = tempDatabase();
    const env = { ...shortLived.env, DATABASE_PATH: path, TOKEN_REFRESH_CONFLICT_WAIT_MS: '300' };
    const a = await start({ ...shortLived, clock, env });
    const b = await start({ sandboxInstance: a.sandbox, clock, env });
    const { browser, sid } = await signedIn(a);
    clock.advance(1_100);
    // The first refresh to arrive is held back a little, so both instances refresh the same token.
    a.sandbox.recorder.fault(TOKEN_ROUTE, { delayMs: 150, times: 1 });
    const [fromA, fromB] = await Promise.all([browser.agent.get('/me'), new TestBrowser(b).agent.get('/me').set('Cookie', `sid=${sid}`)]);
    expect([fromA.status, fromB.status]).toEqual([200, 200]);
    expect(refreshes(a).map((r) => r.status).sort()).toEqual([200, 409]);
  });

  describe.each([
    ['SQLite', () => ({})],
    ['Redis', () => ({ REDIS_URL, REDIS_KEY_PREFIX: testPrefix() })],
  ])('on %s', (_name, storeEnv) => {
    it('keeps a connection deleted at sign-out deleted when a refresh in flight finishes afterwards', async () => {
      const env: Record<string, string> = { ...shortLived.env, ...storeEnv() };
      const stack = await start({ ...shortLived, clock, env });
      try {
        const { browser } = await signedIn(stack);
        const store = stack.app.get(ConnectionStore);
        const [id] = await store.dueForKeepAlive(Number.MAX_SAFE_INTEGER, 10);
        expect(id).toBeDefined();
        clock.advance(1_100);
        // The refresh reaches Airtable (and gets new tokens) only after the sign-out has deleted the connection.
        stack.sandbox.recorder.fault(TOKEN_ROUTE, { delayMs: 300, times: 1 });
        const tokenCalls = stack.sandbox.recorder.count(TOKEN_ROUTE);
        const inFlight = browser.agent.get('/me').then((r) => r); // supertest sends on then()
        await vi.waitFor(() => expect(stack.sandbox.recorder.count(TOKEN_ROUTE)).toBe(tokenCalls + 1), { interval: 5 });
        await browser.agent.post('/auth/logout').set('Origin', stack.origin).expect(303);
        const res = await inFlight;
        expect(refreshes(stack).map((r) => r.status)).toEqual([200]);
        expect(res.status).toBe(401);
        expect(await store.get(id)).toBeUndefined();
        expect(await store.dueForKeepAlive(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      } finally {
        if (env.REDIS_KEY_PREFIX) await deleteKeys(env.REDIS_KEY_PREFIX);
      }
    });
  });
});
