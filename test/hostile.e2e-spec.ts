import { CACHE_MANAGER } from '@nestjs/cache-manager';
import type { Cache } from 'cache-manager';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { API_SCOPES } from '../src/api-keys/api-key';
import { ApiKeyStore } from '../src/api-keys/api-key.store';
import { ExpiringMapStore } from '../src/storage/memory/expiring-map.store';
import { TestBrowser } from './support/browser';
import { cookieValue, setCookie } from './support/cookies';
import { ALL_SCOPES, SANDBOX_CLIENT_ID } from 'airtable-sandbox';
import { type Stack, startStack } from './support/stack';

const TOKEN_ROUTE = 'POST /oauth2/v1/token';
const CRM = 'appSandboxCRM0001';
const TABLES_ROUTE = `GET /v0/meta/bases/${CRM}/tables`;
const json = { 'content-type': 'application/json' };
const TEN_MB = 'x'.repeat(10 * 1024 * 1024);
// 4 KiB on the wire, 4 MiB once inflated: a well-formed answer that only the decoded size gives away.
const GZIP_BOMB = gzipSync(
  JSON.stringify({ access_token: 'x', token_type: 'bearer', expires_in: 3600, tables: [], pad: 'x'.repeat(4 * 1024 * 1024) }),
);
/** JSON nested 5,000 levels deep, with a marker at the bottom that no answer may echo. */
const DEEP = `${'['.repeat(5_000)}"deep-marker"${']'.repeat(5_000)}`;

/** Upstream misbehaviour, and what the client must get instead: a clean status and a stable code. */
const FAULTS: Array<[string, { status?: number; body?: string | Buffer; headers?: Record<string, string>; delayMs?: number }, number, string]> = [
  ['500', { status: 500, body: 'Internal error' }, 502, 'upstream_error'],
  ['502', { status: 502, body: '<html>Bad gateway</html>' }, 502, 'upstream_error'],
  ['503', { status: 503, body: JSON.stringify({ error: { type: 'RETRIABLE_ERROR' } }), headers: { ...json, 'retry-after': '5' } }, 502, 'upstream_error'],
  ['an HTML 200', { status: 200, body: '<html><body>maintenance</body></html>', headers: { 'content-type': 'text/html' } }, 502, 'upstream_error'],
  ['invalid JSON', { status: 200, body: '{"access_token": ', headers: json }, 502, 'upstream_error'],
  ['a JSON array', { status: 200, body: '[1,2,3]', headers: json }, 502, 'upstream_error'],
  ['{}', { status: 200, body: '{}', headers: json }, 502, 'upstream_error'],
  ['a 302', { status: 302, headers: { location: 'http://evil.example/steal' } }, 502, 'upstream_error'],
  ['a 10 MB body', { status: 200, body: TEN_MB, headers: json }, 502, 'upstream_error'],
  ['a gzip body that inflates past the cap', { status: 200, body: GZIP_BOMB, headers: { ...json, 'content-encoding': 'gzip', 'content-length': String(GZIP_BOMB.length) } }, 502, 'upstream_error'],
  ['a hang', { delayMs: 3_000 }, 504, 'upstream_timeout'],
];

/** The in-memory store of pending logins, whose size some tests read; anything else is a mistake in the test. */
function memoryStore(stack: Stack): ExpiringMapStore {
  const store = stack.app.get<Cache>(CACHE_MANAGER).stores[0].store;
  if (!(store instanceof ExpiringMapStore)) throw new Error('This test needs pending logins in memory (REDIS_URL empty)');
  return store;
}

describe('Hostile input and upstream faults', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Pending logins in memory (REDIS_URL empty), whose size these tests read.
    stack = await startStack({ env: { AIRTABLE_TIMEOUT_MS: '500', AIRTABLE_MAX_RESPONSE_BYTES: String(1024 * 1024), REDIS_URL: '' } });
  });
  afterAll(() => stack.close());
  afterEach(() => stack.sandbox.recorder.clearFaults());

  const pendingCount = () => memoryStore(stack).size;

  describe.each(FAULTS)('the token endpoint answering %s', (_name, fault, status, code) => {
    it(`gives ${status} ${code}, no session, no crash`, async () => {
      const browser = new TestBrowser(stack);
      const callback = await browser.consent(await browser.startLogin());
      stack.sandbox.recorder.fault(TOKEN_ROUTE, fault);
      const res = await browser.callback(callback);
      expect(res.status).toBe(status);
      expect(res.body.code).toBe(code);
      expect(setCookie(res, 'sid')).toBeUndefined();
      expect(res.text).not.toMatch(/maintenance|evil\.example|Bad gateway|xxxxxxxx/);
      stack.sandbox.recorder.clearFaults();
      await browser.home().expect(200); // still alive, still signed out
      expect((await browser.home()).text).toContain('Connect Airtable');
    });
  });

  it('refuses a 200 without access_token or with token_type mac', async () => {
    for (const body of [{ token_type: 'Bearer', expires_in: 3600 }, { access_token: 'x', token_type: 'mac', expires_in: 3600 }]) {
      const browser = new TestBrowser(stack);
      const callback = await browser.consent(await browser.startLogin());
      stack.sandbox.recorder.fault(TOKEN_ROUTE, { status: 200, body: JSON.stringify(body), headers: json });
      const res = await browser.callback(callback);
      expect(res.status).toBe(502);
      expect(setCookie(res, 'sid')).toBeUndefined();
    }
  });

  describe.each(FAULTS)('the Web API answering %s', (_name, fault, status, code) => {
    it(`gives ${status} ${code} and the session survives`, async () => {
      const browser = new TestBrowser(stack);
      await browser.signIn();
      stack.sandbox.recorder.fault(TABLES_ROUTE, fault);
      const res = await browser.agent.get(`/bases/${CRM}/tables`).set('Cache-Control', 'no-cache');
      expect(res.status).toBe(status);
      expect(res.body.code).toBe(code);
      expect(res.text).not.toMatch(/maintenance|evil\.example|Bad gateway|RETRIABLE|xxxxxxxx/);
      stack.sandbox.recorder.clearFaults();
      await browser.agent.get('/me').expect(200);
    });
  });

  it.each([
    ['a control character', 'state=%01' + 'A'.repeat(42) + '&code=x'],
    ['non-ASCII', `state=${encodeURIComponent('é'.repeat(43))}&code=x`],
    ['a NUL byte', `state=${'A'.repeat(42)}%00&code=x`],
    ['an error without state', 'error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
    ['an oversized code', `state=${'A'.repeat(43)}&code=${'c'.repeat(100_000)}`],
  ])('refuses a callback with %s, reflecting nothing, without a token call or a pending change', async (_name, query) => {
    const browser = new TestBrowser(stack);
    await browser.startLogin();
    const pending = pendingCount();
    const tokenCalls = stack.sandbox.recorder.count(TOKEN_ROUTE);
    const res = await browser.agent.get(`/airtable-oauth?${query}`).set('Accept', 'text/html');
    expect([400, 414, 431]).toContain(res.status);
    expect(res.text).not.toMatch(/<script>|alert\(1\)|é|AAAAAAAAAAAA|cccccccc/);
    expect(setCookie(res, 'sid')).toBeUndefined();
    expect(stack.sandbox.recorder.count(TOKEN_ROUTE)).toBe(tokenCalls);
    expect(pendingCount()).toBe(pending);
  });

  it('serves pages with a strict CSP, no-referrer, no X-Powered-By, and no cache for user data', async () => {
    const browser = new TestBrowser(stack);
    const home = await browser.home();
    const csp = home.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(home.headers['referrer-policy']).toBe('no-referrer');
    expect(home.headers['x-content-type-options']).toBe('nosniff');
    expect(home.headers['x-powered-by']).toBeUndefined();
    expect(home.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(home.text).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
    // Only Swagger UI itself gets its looser policy, not every path that starts with /docs.
    expect((await browser.agent.get('/docs')).headers['content-security-policy']).toContain("'unsafe-inline'");
    for (const path of ['/docsx', '/docs-json', '/docs..%2F', '/docs%2F..']) {
      expect((await browser.agent.get(path)).headers['content-security-policy']).toContain("default-src 'none'");
    }
    const callback = await browser.signIn();
    expect(callback.headers['cache-control']).toBe('no-store');
    expect(callback.headers['referrer-policy']).toBe('no-referrer');
    for (const path of ['/', '/me', '/bases', `/bases/${CRM}/tables`, `/browse/${CRM}`]) {
      const res = await browser.agent.get(path);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.etag).toBeUndefined(); // nothing to revalidate, on either adapter
    }
  });

  it('refuses a cross-site sign-out and keeps the session', async () => {
    const browser = new TestBrowser(stack);
    await browser.signIn();
    for (const [header, value] of [['Origin', 'https://evil.example'], ['Origin', 'null'], ['Sec-Fetch-Site', 'cross-site'], ['Sec-Fetch-Site', 'same-site']]) {
      const res = await browser.agent.post('/auth/logout').set(header, value).set('Accept', 'application/json');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden_origin');
    }
    await browser.agent.get('/me').expect(200);
  });

  it('answers unknown routes and methods with a clean JSON error', async () => {
    const browser = new TestBrowser(stack);
    const missing = await browser.agent.get('/nothing/../../etc/passwd');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'not_found' });
    const wrongMethod = await browser.agent.delete('/auth/login');
    expect(wrongMethod.status).toBe(404);
  });

  it.each([
    ['an oversized JSON body', 413, 'payload_too_large', 'application/json', JSON.stringify({ a: 'x'.repeat(2 * 1024 * 1024) })],
    ['an oversized form body', 413, 'payload_too_large', 'application/x-www-form-urlencoded', `a=${'x'.repeat(2 * 1024 * 1024)}`],
    ['malformed JSON', 400, 'invalid_request', 'application/json', '{"a": '],
  ])('answers %s with %i %s and keeps the session', async (_name, status, code, type, body) => {
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const res = await browser.agent.post('/auth/logout').set('Origin', stack.origin).set('Content-Type', type).send(body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ statusCode: status, code, message: expect.any(String) });
    await browser.agent.get('/me').expect(200);
  });

  describe('a JSON body nested too deep inside', () => {
    let key: string;
    let connectionId: string;
    let browser: TestBrowser;

    beforeAll(async () => {
      ({ secret: key } = await stack.app.get(ApiKeyStore).create('hostile', [...API_SCOPES]));
      browser = new TestBrowser(stack);
      await browser.signIn();
      const list = await request(stack.origin).get('/api/connections').set('Authorization', `Bearer ${key}`).expect(200);
      connectionId = list.body.connections.at(-1).id;
    });

    const api = (path: string) => request(stack.origin).post(`/api/connections/${connectionId}${path}`).set('Authorization', `Bearer ${key}`);
    const deepCell = `{"records":[{"fields":{"Deal":"x","Notes":${DEEP}}}]}`;

    it.each([
      ['a records write with an API key', () => api(`/bases/${CRM}/tables/Deals/records`).set('Idempotency-Key', 'deep-key'), deepCell],
      ['a records write in a session', () => browser.agent.post(`/bases/${CRM}/tables/Deals/records`).set('Idempotency-Key', 'deep-key'), deepCell],
      ['a connect-session create', () => request(stack.origin).post('/api/connect-sessions').set('Authorization', `Bearer ${key}`), `{"endUserId":${DEEP}}`],
      ['a webhook create', () => api(`/bases/${CRM}/webhooks`), `{"specification":{"options":{"filters":${DEEP}}}}`],
    ])('refuses it on %s with 400 invalid_request, echoing nothing, sending nothing to Airtable', async (_name, post, body) => {
      const received = stack.sandbox.recorder.countAll();
      const res = await post().set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, code: 'invalid_request', message: 'The body is nested more than 32 levels deep.' });
      expect(res.text).not.toMatch(/deep-marker|\[\[/);
      expect(stack.sandbox.recorder.countAll()).toBe(received);
    });
  });

  // Express's form parser nests `a[b][c]` and refuses more than 32 levels; Fastify's keeps keys flat.
  it.skipIf(process.env.HTTP_ADAPTER === 'fastify')('answers a form body nested too deep with 400 invalid_request', async () => {
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const deep = `a${'[b]'.repeat(40)}=1`;
    const res = await browser.agent.post('/auth/logout').set('Origin', stack.origin).set('Content-Type', 'application/x-www-form-urlencoded').send(deep);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
    await browser.agent.get('/me').expect(200);
  });
});

describe('Secure cookies behind https', () => {
  it('names the binding and session cookies __Host- and marks them Secure when the public URL is https', async () => {
    const redirectUri = 'https://app.example.com/airtable-oauth';
    const stack = await startStack({
      env: { AIRTABLE_REDIRECT_URI: redirectUri },
      sandbox: { clients: [{ clientId: SANDBOX_CLIENT_ID, redirectUris: [redirectUri], scopes: ALL_SCOPES }] },
    });
    try {
      const browser = new TestBrowser(stack);
      const res = await browser.agent.get('/auth/login').expect(302);
      const binding = setCookie(res, '__Host-auth_binding');
      expect(binding).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      expect(binding).not.toMatch(/Domain=/i);
      expect(setCookie(res, 'auth_binding')).toBeUndefined();
      // A cookie without the prefix, as a sibling subdomain could set one, is not read.
      const callback = await browser.consent(res.headers.location);
      const planted = await new TestBrowser(stack).agent
        .get(callback)
        .set('Cookie', `auth_binding=${cookieValue(binding)}`)
        .set('Accept', 'application/json');
      expect(planted.status).toBe(400);
      expect(planted.body.code).toBe('browser_mismatch');
      const done = await new TestBrowser(stack).agent.get(callback).set('Cookie', `__Host-auth_binding=${cookieValue(binding)}`).expect(303);
      expect(setCookie(done, '__Host-sid')).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    } finally {
      await stack.close();
    }
  });
});

describe('Floods', () => {
  it('limits logins and callbacks per client address and leaves other clients alone', async () => {
    const stack = await startStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'loopback' } });
    try {
      const agent = new TestBrowser(stack).agent;
      const from = (ip: string) => agent.get('/auth/login').set('X-Forwarded-For', ip);
      for (let i = 0; i < 5; i++) expect((await from('203.0.113.7')).status).toBe(302);
      const limited = await from('203.0.113.7').set('Accept', 'application/json');
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('too_many_requests');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const other = await from('203.0.113.8');
      expect(other.status).toBe(302);
      expect(other.headers['x-ratelimit-limit']).toBe('5');
      expect(other.headers['x-ratelimit-remaining']).toBe('4');

      // IPv6 clients are counted per /64: one host rotating through its subnet is still one client.
      for (let i = 1; i <= 5; i++) expect((await from(`2001:db8:1:2::${i}`)).status).toBe(302);
      expect((await from('2001:db8:1:2:ffff::9')).status).toBe(429);
      expect((await from('2001:db8:1:3::1')).status).toBe(302);

      const callback = (ip: string) => agent.get(`/airtable-oauth?state=${'A'.repeat(43)}&code=x`).set('X-Forwarded-For', ip);
      for (let i = 0; i < 5; i++) expect((await callback('198.51.100.1')).status).toBe(400);
      expect((await callback('198.51.100.1')).status).toBe(429);
    } finally {
      await stack.close();
    }
  });

  it('counts an X-Forwarded-For that is no IP address against the connecting peer (TRUST_PROXY=true)', async () => {
    const stack = await startStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'true' } });
    try {
      const agent = new TestBrowser(stack).agent;
      const junk = ['not-an-ip', 'x'.repeat(8000), '1.2.3.4.5', '<script>', '999.1.1.1'];
      for (const value of junk) expect((await agent.get('/auth/login').set('X-Forwarded-For', value)).status).toBe(302);
      // A sixth junk value is still the same client (the loopback peer), so it is limited.
      const limited = await agent.get('/auth/login').set('X-Forwarded-For', 'another-junk-value').set('Accept', 'application/json');
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('too_many_requests');
    } finally {
      await stack.close();
    }
  });

  it('keeps pending logins capped under a flood from many addresses while a real user still logs in', async () => {
    const stack = await startStack({ env: { AUTH_MAX_PENDING_REQUESTS: '1000', AUTH_RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'loopback', REDIS_URL: '' } });
    try {
      const pending = () => memoryStore(stack).size;
      const flooder = new TestBrowser(stack).agent;
      const user = new TestBrowser(stack);
      let userResult: number | undefined;
      const total = 10_000;
      for (let sent = 0; sent < total; sent += 200) {
        await Promise.all(
          Array.from({ length: 200 }, (_, i) => {
            const n = sent + i;
            return flooder.get('/auth/login').set('X-Forwarded-For', `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`);
          }),
        );
        if (sent === total / 2) userResult = (await user.signIn()).status; // in the middle of the flood
        expect(pending()).toBeLessThanOrEqual(1000);
      }
      expect(pending()).toBeGreaterThanOrEqual(999); // the flood did land, up to the cap
      expect(userResult).toBe(303);
      await user.agent.get('/me').expect(200);
      // Memory per pending entry and RSS under a larger flood are measured by the benchmark, not here.

      // Bogus callbacks with well-formed states never reach the token endpoint.
      const tokenCalls = stack.sandbox.recorder.count(TOKEN_ROUTE);
      await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          flooder.get(`/airtable-oauth?state=${String(i).padStart(43, 'A')}&code=x`).set('X-Forwarded-For', `172.16.${i >> 8}.${i & 255}`),
        ),
      );
      expect(stack.sandbox.recorder.count(TOKEN_ROUTE)).toBe(tokenCalls);
    } finally {
      await stack.close();
    }
  }, 120_000);
});
