import { TestBrowser } from './support/browser';
import { maxInWindow } from './support/airtable-limits';
import { type Stack, startStack } from './support/stack';

const CRM = 'appSandboxCRM0001';
const PM = 'appSandboxPM00001';
const tablesRoute = (baseId: string) => `GET /v0/meta/bases/${baseId}/tables`;

async function signedIn(stack: Stack, bases?: string[]): Promise<TestBrowser> {
  const browser = new TestBrowser(stack);
  expect((await browser.signIn({ bases })).status).toBe(303);
  return browser;
}

describe('Airtable data as JSON', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ sandbox: { basesPageSize: 1 }, env: { AIRTABLE_TIMEOUT_MS: '500' } });
  });
  afterAll(() => stack.close());
  afterEach(() => stack.sandbox.recorder.clearFaults());

  it.each(['/me', '/bases', `/bases/${CRM}/tables`])('answers %s with 401 unauthenticated and a loginUrl when signed out', async (path) => {
    const res = await new TestBrowser(stack).agent.get(path);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, code: 'unauthenticated', message: expect.any(String), loginUrl: '/auth/login' });
  });

  it('answers /me with the connected user', async () => {
    const browser = await signedIn(stack);
    const res = await browser.agent.get('/me').expect(200);
    expect(res.body).toEqual({
      id: stack.sandbox.user.id,
      email: stack.sandbox.user.email,
      scopes: ['data.records:read', 'data.records:write', 'schema.bases:read', 'user.email:read'],
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('merges every page of bases, in order, with one upstream call per page', async () => {
    const browser = await signedIn(stack);
    const before = stack.sandbox.recorder.count('GET /v0/meta/bases');
    const res = await browser.agent.get('/bases').expect(200);
    expect(res.body).toEqual({
      bases: stack.sandbox.bases.map(({ id, name, permissionLevel }) => ({ id, name, permissionLevel })),
    });
    // Four granted bases at one per page: four pages.
    expect(stack.sandbox.recorder.count('GET /v0/meta/bases') - before).toBe(4);
  });

  it('lists only the bases that were granted', async () => {
    const browser = await signedIn(stack, [PM]);
    const res = await browser.agent.get('/bases').expect(200);
    expect(res.body.bases.map((b: { id: string }) => b.id)).toEqual([PM]);
  });

  it("serves a base's tables in Airtable's model, visibleFieldIds only when asked", async () => {
    const browser = await signedIn(stack);
    const plain = await browser.agent.get(`/bases/${CRM}/tables`).expect(200);
    const crm = stack.sandbox.bases.find((b) => b.id === CRM)!;
    expect(plain.body.tables.map((t: { name: string }) => t.name)).toEqual(crm.tables.map((t) => t.name));
    const contacts = plain.body.tables[0];
    expect(contacts).toMatchObject({ id: crm.tables[0].id, primaryFieldId: crm.tables[0].primaryFieldId });
    expect(contacts.fields).toEqual(crm.tables[0].fields);
    expect(contacts.views[0]).not.toHaveProperty('visibleFieldIds');

    const visible = await browser.agent.get(`/bases/${CRM}/tables?include=visibleFieldIds`).expect(200);
    expect(visible.body.tables[0].views[0].visibleFieldIds).toEqual(crm.tables[0].views[0].visibleFieldIds);
    expect(stack.sandbox.recorder.received.at(-1)!.query).toBe('?include=visibleFieldIds');
  });

  it('forwards neither unknown query parameters nor the browser’s cookies and headers', async () => {
    const browser = await signedIn(stack);
    await browser.agent
      .get(`/bases/${PM}/tables?offset=x&fields[]=1&cellFormat=string`)
      .set('Authorization', 'Bearer client-supplied')
      .set('X-Forwarded-For', '10.9.8.7')
      .set('Cache-Control', 'no-cache')
      .expect(200);
    const seen = stack.sandbox.recorder.received.at(-1)!;
    expect(seen.route).toBe(tablesRoute(PM));
    expect(seen.query).toBe('');
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBeUndefined();
    expect(seen.headers.authorization).toMatch(/^Bearer oaa/);
    expect(seen.headers.authorization).not.toContain('client-supplied');
  });

  it('refuses an include other than visibleFieldIds, and a repeated one', async () => {
    const browser = await signedIn(stack);
    for (const query of ['include=fields', 'include=visibleFieldIds&include=visibleFieldIds', 'include[]=visibleFieldIds']) {
      const res = await browser.agent.get(`/bases/${CRM}/tables?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_request');
    }
  });

  it.each([
    'app..%2F..%2Fmeta',
    'app..%2f..%2fwhoami',
    '%2e%2e%2Fmeta',
    'appShort',
    'appTooLong12345678',
    'APPSandboxCRM0001',
    'appSandbox%00CRM01',
    'appSandboxCRM000%21',
    'tblSandboxCRM0001',
  ])('refuses the base id %s with 400 invalid_base_id before any upstream call', async (id) => {
    const browser = await signedIn(stack);
    const before = stack.sandbox.recorder.received.length;
    const res = await browser.agent.get(`/bases/${id}/tables`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_base_id' });
    expect(res.text).not.toContain(decodeURIComponent(id).slice(3));
    expect(stack.sandbox.recorder.received.length).toBe(before);
  });

  it('coalesces 100 concurrent requests for one base into one upstream call', async () => {
    const browser = await signedIn(stack);
    const before = stack.sandbox.recorder.count(tablesRoute(PM));
    const results = await Promise.all(Array.from({ length: 100 }, () => browser.agent.get(`/bases/${PM}/tables`)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(stack.sandbox.recorder.count(tablesRoute(PM)) - before).toBe(1);
  });

  it('reuses a schema for a while, and fetches it again on Cache-Control: no-cache', async () => {
    const browser = await signedIn(stack);
    const before = stack.sandbox.recorder.count(tablesRoute(CRM));
    await browser.agent.get(`/bases/${CRM}/tables`).expect(200);
    await browser.agent.get(`/bases/${CRM}/tables`).expect(200);
    expect(stack.sandbox.recorder.count(tablesRoute(CRM)) - before).toBe(1);
    await browser.agent.get(`/bases/${CRM}/tables`).set('Cache-Control', 'no-cache').expect(200);
    expect(stack.sandbox.recorder.count(tablesRoute(CRM)) - before).toBe(2);
  });

  it('keeps caches per connection: another grant sees its own answer', async () => {
    const full = await signedIn(stack);
    const partial = await signedIn(stack, [PM]);
    await full.agent.get(`/bases/${CRM}/tables`).expect(200);
    const res = await partial.agent.get(`/bases/${CRM}/tables`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('base_not_accessible');
  });

  describe('upstream errors', () => {
    const fresh = (browser: TestBrowser, baseId = CRM) => browser.agent.get(`/bases/${baseId}/tables`).set('Cache-Control', 'no-cache');

    it('maps 401 (revoked grant) to 401 reauth_required with a loginUrl', async () => {
      const browser = await signedIn(stack);
      const grant = stack.sandbox.grants.allGrants().at(-1)!;
      stack.sandbox.grants.revoke(grant);
      const res = await fresh(browser);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'reauth_required', loginUrl: '/auth/login' });
    });

    it('maps a base that was not granted to 403 base_not_accessible', async () => {
      const browser = await signedIn(stack, [PM]);
      const res = await fresh(browser, CRM);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('base_not_accessible');
    });

    it.each([
      [404, JSON.stringify({ error: 'NOT_FOUND' }), 404, 'not_found'],
      [422, JSON.stringify({ error: { type: 'INVALID_REQUEST_UNKNOWN', message: 'secret detail' } }), 422, 'upstream_rejected'],
      [403, JSON.stringify({ error: { type: 'INVALID_PERMISSIONS', message: 'secret detail' } }), 403, 'insufficient_scope'],
      [500, '<html>secret detail</html>', 502, 'upstream_error'],
      [503, JSON.stringify({ error: { type: 'RETRIABLE_ERROR', message: 'secret detail' } }), 502, 'upstream_error'],
      [200, '{"tables": not json secret detail', 502, 'upstream_error'],
      [200, JSON.stringify([{ tables: [] }]), 502, 'upstream_error'],
      [200, JSON.stringify({ tables: [{ id: 1 }] }), 502, 'upstream_error'],
      [302, '', 502, 'upstream_error'],
    ])('maps Airtable %i %s to %i %s without echoing it', async (status, body, expected, code) => {
      const browser = await signedIn(stack);
      stack.sandbox.recorder.fault(tablesRoute(CRM), { status, body, headers: { 'content-type': 'application/json', location: 'http://evil.example/' } });
      const res = await fresh(browser);
      expect(res.status).toBe(expected);
      expect(res.body.code).toBe(code);
      expect(res.text).not.toContain('secret detail');
      expect(res.text).not.toContain('evil.example');
    });

    it('maps a hang to 504 upstream_timeout', async () => {
      const browser = await signedIn(stack);
      stack.sandbox.recorder.fault(tablesRoute(CRM), { delayMs: 1_500 });
      const res = await fresh(browser);
      expect(res.status).toBe(504);
      expect(res.body.code).toBe('upstream_timeout');
    });

    it('refuses a body over the size cap with 502', async () => {
      const stackWithCap = await startStack({ env: { AIRTABLE_MAX_RESPONSE_BYTES: '1000' } });
      try {
        const browser = await signedIn(stackWithCap);
        const res = await browser.agent.get(`/bases/${CRM}/tables`);
        expect(res.status).toBe(502);
        expect(res.body.code).toBe('upstream_error');
      } finally {
        await stackWithCap.close();
      }
    });
  });
});

describe('Airtable rate limits', () => {
  it('answers a 429 with 429 Retry-After: 30 and leaves the base alone for the lockout', async () => {
    const stack = await startStack();
    try {
      const browser = await signedIn(stack);
      stack.sandbox.recorder.fault(tablesRoute(CRM), { status: 429, body: JSON.stringify({ error: { type: 'RATE_LIMIT_REACHED' } }), times: 1 });
      const first = await browser.agent.get(`/bases/${CRM}/tables`);
      expect(first.status).toBe(429);
      expect(first.body.code).toBe('rate_limited');
      expect(first.headers['retry-after']).toBe('30');
      const calls = stack.sandbox.recorder.count(tablesRoute(CRM));
      const again = await browser.agent.get(`/bases/${CRM}/tables`).set('Cache-Control', 'no-cache');
      expect(again.status).toBe(429);
      expect(Number(again.headers['retry-after'])).toBeGreaterThan(25);
      expect(stack.sandbox.recorder.count(tablesRoute(CRM))).toBe(calls);
      // Other bases are not affected.
      await browser.agent.get(`/bases/${PM}/tables`).expect(200);
    } finally {
      await stack.close();
    }
  });

  it('keeps a sustained burst at or under 5 calls per second per base, with no 429 from Airtable', async () => {
    const stack = await startStack();
    try {
      // Sixteen connections: their requests cannot share one call, so all of them reach Airtable.
      const browsers = await Promise.all(Array.from({ length: 16 }, () => signedIn(stack)));
      const results = await Promise.all(browsers.map((b) => b.agent.get(`/bases/${CRM}/tables`)));
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
      const arrivals = stack.sandbox.recorder.arrivals.get(tablesRoute(CRM))!;
      expect(arrivals).toHaveLength(16);
      expect(maxInWindow(arrivals)).toBeLessThanOrEqual(5);
    } finally {
      await stack.close();
    }
  });
});

describe('OpenAPI description', () => {
  it('describes the JSON endpoints at /docs-json and serves /docs', async () => {
    const stack = await startStack();
    try {
      const agent = new TestBrowser(stack).agent;
      const spec = (await agent.get('/docs-json').expect(200)).body;
      expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/me', '/bases', '/bases/{id}/tables']));
      expect(spec.paths['/']).toBeUndefined();
      expect(spec.components.schemas.TablesResponseDto).toBeDefined();
      const records = '/bases/{baseId}/tables/{table}/records';
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([records, `${records}/query`, `${records}/export`, `${records}/{recordId}`, '/api/connections', '/api/connections/{id}', '/api/connect-sessions', '/metrics']),
      );
      expect(Object.keys(spec.paths[records])).toEqual(expect.arrayContaining(['get', 'post', 'patch', 'put', 'delete']));
      // Every /api route names the bearer scheme, and the data routes are there for API keys too.
      const apiPaths = Object.keys(spec.paths).filter((path) => path.startsWith('/api/'));
      expect(apiPaths).toContain(`/api/connections/{connectionId}${records}`);
      for (const path of apiPaths) {
        for (const operation of Object.values(spec.paths[path]) as Array<{ security?: Array<Record<string, unknown>> }>) {
          expect(operation.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
        }
      }
      expect(spec.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
      const ui = await agent.get('/docs').expect(200);
      expect(ui.text).toContain('swagger');
      // Its own, looser policy: Swagger UI runs scripts from this origin; the other headers stay.
      expect(ui.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
      expect(ui.headers['x-content-type-options']).toBe('nosniff');
      expect(ui.headers['x-powered-by']).toBeUndefined();
    } finally {
      await stack.close();
    }
  });
});
