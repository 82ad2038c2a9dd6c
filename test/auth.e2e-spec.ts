import { TestBrowser } from './support/browser';
import { cookieValue, setCookie } from './support/cookies';
import { FakeClock } from './support/fake-clock';
import { type Stack, startStack } from './support/stack';

const TOKEN_ROUTE = 'POST /oauth2/v1/token';

describe('OAuth login flow (public client)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const tokenCalls = () => stack.sandbox.recorder.count(TOKEN_ROUTE);

  async function expectSignedOut(browser: TestBrowser) {
    const home = await browser.home().expect(200);
    expect(home.text).toContain('Connect Airtable');
    expect(home.text).not.toContain('Sign out');
  }

  it('redirects to Airtable with state, PKCE S256 and a browser-binding cookie', async () => {
    const browser = new TestBrowser(stack);
    const res = await browser.agent.get('/auth/login').expect(302);
    const url = new URL(res.headers.location);
    expect(url.origin + url.pathname).toBe(`${stack.sandbox.url}/oauth2/v1/authorize`);
    expect(url.searchParams.get('client_id')).toBe('sandbox-client');
    expect(url.searchParams.get('redirect_uri')).toBe(stack.redirectUri);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('scope')).toBe('data.records:read data.records:write schema.bases:read user.email:read');
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(res.headers['cache-control']).toBe('no-store');
    const binding = setCookie(res, 'auth_binding');
    expect(binding).toMatch(/HttpOnly/);
    expect(binding).toMatch(/SameSite=Lax/);
    expect(binding).not.toMatch(/Secure/);
  });

  it('gives each login its own state and verifier', async () => {
    const browser = new TestBrowser(stack);
    const first = new URL(await browser.startLogin());
    const second = new URL(await browser.startLogin());
    expect(first.searchParams.get('state')).not.toBe(second.searchParams.get('state'));
    expect(first.searchParams.get('code_challenge')).not.toBe(second.searchParams.get('code_challenge'));
  });

  it('completes the happy path: consent, callback, session, home page shows the user', async () => {
    const browser = new TestBrowser(stack);
    const before = tokenCalls();
    const res = await browser.signIn();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const sid = setCookie(res, 'sid');
    expect(sid).toMatch(/HttpOnly/);
    expect(sid).toMatch(/SameSite=Lax/);
    expect(cookieValue(sid)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenCalls()).toBe(before + 1);

    const home = await browser.home().expect(200);
    expect(home.text).toContain(stack.sandbox.user.id);
    expect(home.text).toContain(stack.sandbox.user.email);
    expect(home.text).toContain('schema.bases:read');
    expect(home.text).toContain('Sign out');
    // The tokens stay on the server: not in the page, not in a cookie.
    const grant = stack.sandbox.grants.allGrants().at(-1)!;
    for (const token of [grant.accessToken, grant.refreshToken]) {
      expect(home.text).not.toContain(token);
      expect(JSON.stringify(res.headers)).not.toContain(token);
    }
  });

  it('sends client_id in the body and no Basic auth as a public client', async () => {
    const browser = new TestBrowser(stack);
    expect((await browser.signIn()).status).toBe(303);
    const seen = stack.sandbox.recorder.tokenRequests.at(-1)!;
    expect(seen).toEqual({
      grantType: 'authorization_code',
      basicAuth: false,
      bodyClientId: 'sandbox-client',
      // A fresh verifier of 43 base64url characters: within 43-128 and free of the `~` Airtable rejects.
      codeVerifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      status: 200,
    });
  });

  it('returns to a same-site returnTo after login', async () => {
    const browser = new TestBrowser(stack);
    const authorizeUrl = await browser.startLogin('?returnTo=%2Fbases%2FappSandboxCRM0001%3Fview%3Dgrid');
    const res = await browser.callback(await browser.consent(authorizeUrl)).expect(303);
    expect(res.headers.location).toBe('/bases/appSandboxCRM0001?view=grid');
  });

  it.each([
    '//evil.example/x',
    '/\\evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    '%2F%2Fevil.example',
    '/ok%0d%0aSet-Cookie:x=y',
    `/${'a'.repeat(5000)}`,
    '/.//evil.example/phish',
    '/%2e//x',
    '/%2E//x',
    '/.%2E//x',
    '/a/%2e%2e//x',
    '/x/../..//x',
  ])('drops the open-redirect returnTo %s and lands on /', async (returnTo) => {
    const browser = new TestBrowser(stack);
    const authorizeUrl = await browser.startLogin(`?returnTo=${encodeURIComponent(returnTo)}`);
    const res = await browser.callback(await browser.consent(authorizeUrl)).expect(303);
    expect(res.headers.location).toBe('/');
  });

  it.each(['/.//evil.example/phish', '/%2e//x', '/.%2E//x', '/a/%2e%2e//x', '/x/../..//x'])(
    'drops the dot-segment returnTo %s sent unencoded, and lands on /',
    async (returnTo) => {
      const browser = new TestBrowser(stack);
      const res = await browser.callback(await browser.consent(await browser.startLogin(`?returnTo=${returnTo}`))).expect(303);
      expect(res.headers.location).toBe('/');
    },
  );

  it('lets two logins started in one browser (two tabs) both complete', async () => {
    const browser = new TestBrowser(stack);
    const first = await browser.agent.get('/auth/login').expect(302);
    const second = await browser.agent.get('/auth/login').expect(302);
    // The second login reuses the browser's binding nonce instead of replacing it.
    expect(cookieValue(setCookie(second, 'auth_binding'))).toBe(cookieValue(setCookie(first, 'auth_binding')));
    const firstCallback = await browser.consent(first.headers.location);
    const secondCallback = await browser.consent(second.headers.location);
    await browser.callback(secondCallback).expect(303);
    await browser.callback(firstCallback).expect(303);
  });

  it.each([
    ['a planted, well-formed nonce', 'A'.repeat(43)],
    ['a binding with a forged signature', `${'A'.repeat(43)}.${'B'.repeat(43)}`],
  ])('never adopts %s: the login gets a binding of its own and the planted one matches nothing', async (_name, planted) => {
    // The attacker starts a login holding the planted cookie, and sends the victim (who holds it too) the callback.
    const attacker = new TestBrowser(stack);
    const login = await attacker.agent.get('/auth/login').set('Cookie', `auth_binding=${planted}`).expect(302);
    const issued = cookieValue(setCookie(login, 'auth_binding'));
    expect(issued).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(issued).not.toContain(planted.slice(0, 43));
    const callback = await attacker.consent(login.headers.location);
    const victim = await new TestBrowser(stack).agent.get(callback).set('Cookie', `auth_binding=${planted}`).set('Accept', 'application/json');
    expect(victim.status).toBe(400);
    expect(victim.body.code).toBe('browser_mismatch');
    expect(setCookie(victim, 'sid')).toBeUndefined();
  });

  it('answers a denied consent with access_denied, no token call and no session', async () => {
    const browser = new TestBrowser(stack);
    const before = tokenCalls();
    const res = await browser.signIn({ decision: 'deny' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'access_denied' });
    expect(res.body.message).not.toContain('denied access.'); // Airtable's description is not echoed
    expect(setCookie(res, 'sid')).toBeUndefined();
    expect(tokenCalls()).toBe(before);
    await expectSignedOut(browser);
  });

  it('refuses a replayed callback without a second token call', async () => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    await browser.callback(callback).expect(303);
    const before = tokenCalls();
    const replay = await browser.callback(callback);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ code: 'invalid_state' });
    expect(tokenCalls()).toBe(before);
  });

  it('lets exactly one of several simultaneous copies of a callback through', async () => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    const before = tokenCalls();
    const results = await Promise.all(Array.from({ length: 8 }, () => browser.callback(callback)));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.body.code === 'invalid_state')).toHaveLength(7);
    expect(tokenCalls()).toBe(before + 1);
  });

  it.each([
    ['an unknown well-formed state', () => `state=${'A'.repeat(43)}&code=abc`],
    ['a malformed state', () => 'state=%3Cscript%3E&code=abc'],
    ['no state', () => 'code=abc'],
    ['an empty state', () => 'state=&code=abc'],
    ['an oversized state', () => `state=${'A'.repeat(5000)}&code=abc`],
  ])('refuses %s as invalid_state without a token call', async (_name, query) => {
    const browser = new TestBrowser(stack);
    const before = tokenCalls();
    const res = await browser.callback(`/airtable-oauth?${query()}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_state' });
    expect(tokenCalls()).toBe(before);
  });

  it('refuses a valid state from another browser and leaves the login intact for its owner', async () => {
    const owner = new TestBrowser(stack);
    const attacker = new TestBrowser(stack);
    await attacker.startLogin(); // the attacker has a binding cookie of its own
    const callback = await owner.consent(await owner.startLogin());
    const before = tokenCalls();

    const stolen = await attacker.callback(callback);
    expect(stolen.status).toBe(400);
    expect(stolen.body).toMatchObject({ code: 'browser_mismatch' });
    const noCookie = await new TestBrowser(stack).callback(callback);
    expect(noCookie.body).toMatchObject({ code: 'browser_mismatch' });
    expect(tokenCalls()).toBe(before);
    await expectSignedOut(attacker);

    await owner.callback(callback).expect(303);
  });

  it.each([
    ['a repeated state', (q: URLSearchParams) => `${q}&state=${q.get('state')}`],
    ['a state array', (q: URLSearchParams) => `${q}&state[]=${q.get('state')}`],
    ['a state object', (q: URLSearchParams) => `${q}&state[x]=1`],
    ['a repeated code', (q: URLSearchParams) => `${q}&code=other`],
    ['a code array', (q: URLSearchParams) => `state=${q.get('state')}&code[]=${q.get('code')}`],
    ['an encoded bracket', (q: URLSearchParams) => `${q}&code%5B%5D=x`],
    ['both code and error', (q: URLSearchParams) => `${q}&error=access_denied`],
    ['neither code nor error', (q: URLSearchParams) => `state=${q.get('state')}`],
  ])('refuses %s as invalid_request and keeps the pending login', async (_name, mutate) => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    const query = new URLSearchParams(callback.split('?')[1]);
    const before = tokenCalls();
    const res = await browser.callback(`/airtable-oauth?${mutate(query)}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_request' });
    expect(tokenCalls()).toBe(before);
    await browser.callback(callback).expect(303);
  });

  it('checks a present iss against the issuer and refuses a wrong one', async () => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    const wrong = await browser.callback(`${callback}&iss=${encodeURIComponent('https://evil.example')}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'issuer_mismatch' });
    await browser.callback(`${callback}&iss=${encodeURIComponent(new URL(stack.sandbox.url).origin)}`).expect(303);
  });

  it('ignores unknown extra parameters Airtable may add', async () => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    await browser.callback(`${callback}&code_challenge=x&something_new=1`).expect(303);
  });

  it('maps a token endpoint invalid_grant to token_exchange_failed and creates no session', async () => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    // Spend the code first: Airtable codes are single use even when an exchange fails.
    const code = new URLSearchParams(callback.split('?')[1]).get('code')!;
    await fetch(`${stack.sandbox.url}/oauth2/v1/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: stack.redirectUri, code_verifier: 'x'.repeat(43), client_id: 'sandbox-client' }),
    });
    const res = await browser.callback(callback);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'token_exchange_failed' });
    expect(setCookie(res, 'sid')).toBeUndefined();
    expect(stack.sandbox.recorder.tokenRequests.at(-1)!.status).toBe(400);
    await expectSignedOut(browser);
  });

  it('renders errors as an escaped HTML page with a try-again link for browsers', async () => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    const state = new URLSearchParams(callback.split('?')[1]).get('state');
    const markup = '<script>alert(1)</script>';
    const res = await browser.callback(
      `/airtable-oauth?state=${state}&error=server_error&error_description=${encodeURIComponent(markup)}`,
      'text/html,application/xhtml+xml',
    );
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('authorization_failed');
    expect(res.text).toContain('href="/auth/login"');
    expect(res.text).not.toContain('<script>');
    expect(res.text).not.toContain('alert(1)');
  });

  it('signs out only from this site, then the session is gone', async () => {
    const browser = new TestBrowser(stack);
    expect((await browser.signIn()).status).toBe(303);

    const crossSite = await browser.agent.post('/auth/logout').set('Origin', 'https://evil.example').set('Accept', 'application/json');
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toMatchObject({ code: 'forbidden_origin' });
    const crossFetch = await browser.agent.post('/auth/logout').set('Sec-Fetch-Site', 'cross-site');
    expect(crossFetch.status).toBe(403);
    expect((await browser.home()).text).toContain('Sign out');

    // As the page's form sends it: an empty urlencoded body.
    const res = await browser.agent.post('/auth/logout').set('Origin', stack.origin).set('Sec-Fetch-Site', 'same-origin').type('form').send('');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(setCookie(res, 'sid')).toMatch(/^sid=;.*Max-Age=0/);
    await expectSignedOut(browser);
  });

  it('gives a new session id at every login', async () => {
    const browser = new TestBrowser(stack);
    const first = cookieValue(setCookie(await browser.signIn(), 'sid'));
    const second = cookieValue(setCookie(await browser.signIn(), 'sid'));
    expect(first).toBeDefined();
    expect(second).not.toBe(first);
    // The old id no longer opens a session.
    const stale = await new TestBrowser(stack).agent.get('/').set('Cookie', `sid=${first}`);
    expect(stale.text).toContain('Connect Airtable');
  });
});

describe('OAuth login flow (confidential client)', () => {
  it('authenticates with raw HTTP Basic credentials and sends no client_id in the body', async () => {
    const stack = await startStack({ clientSecret: 'sandbox-secret_1.2' });
    try {
      expect((await new TestBrowser(stack).signIn()).status).toBe(303);
      expect(stack.sandbox.recorder.tokenRequests.at(-1)).toEqual({
        grantType: 'authorization_code',
        basicAuth: true,
        // As Airtable documents it: base64("client_id:client_secret"), not form-encoded ("sandbox%2Dclient").
        basicUser: 'sandbox-client',
        bodyClientId: undefined,
        codeVerifier: expect.any(String),
        status: 200,
      });
    } finally {
      await stack.close();
    }
  });

  it('reports a wrong client secret as token_exchange_failed', async () => {
    const stack = await startStack({ clientSecret: 'sandbox-secret', env: { AIRTABLE_CLIENT_SECRET: 'wrong-secret' } });
    try {
      const res = await new TestBrowser(stack).signIn();
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'token_exchange_failed' });
      expect(stack.sandbox.recorder.tokenRequests.at(-1)!.status).toBe(401);
    } finally {
      await stack.close();
    }
  });
});

describe('OAuth login flow (expiry and upstream faults)', () => {
  let stack: Stack;
  const clock = new FakeClock();

  beforeAll(async () => {
    stack = await startStack({ clock, env: { AUTH_REQUEST_TTL_SECONDS: '1', AIRTABLE_TIMEOUT_MS: '300' } });
  });
  afterAll(() => stack.close());
  afterEach(() => stack.sandbox.recorder.clearFaults());

  it('refuses a callback whose pending login expired', async () => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    clock.advance(1_300);
    // Pending logins in Redis expire by Redis's own TTL, not the service's clock.
    if (process.env.TEST_STORES === 'postgres+redis') await new Promise((resolve) => setTimeout(resolve, 1_300));
    const res = await browser.callback(callback);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_state' });
  });

  it('answers 504 upstream_timeout when the token endpoint hangs', async () => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    stack.sandbox.recorder.fault('POST /oauth2/v1/token', { delayMs: 2_000 });
    const res = await browser.callback(callback);
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ code: 'upstream_timeout' });
    expect(setCookie(res, 'sid')).toBeUndefined();
  });

  it('answers 502 upstream_error when the token endpoint fails with a 500 page', async () => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    stack.sandbox.recorder.fault('POST /oauth2/v1/token', { status: 500, body: '<html>secret upstream detail</html>' });
    const res = await browser.callback(callback);
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'upstream_error' });
    expect(res.text).not.toContain('secret upstream detail');
  });

  it.each([
    ['token_type mac', { access_token: 'x', token_type: 'mac', expires_in: 3600 }],
    ['no access_token', { token_type: 'Bearer', expires_in: 3600 }],
    ['no expires_in', { access_token: 'x', token_type: 'Bearer' }],
  ])('creates no session from a token response with %s', async (_name, body) => {
    const browser = new TestBrowser(stack);
    const callback = await browser.consent(await browser.startLogin());
    stack.sandbox.recorder.fault('POST /oauth2/v1/token', { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const res = await browser.callback(callback);
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'upstream_error' });
    expect(setCookie(res, 'sid')).toBeUndefined();
  });
});
