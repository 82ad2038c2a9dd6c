import { createHash } from 'node:crypto';
import { type AirtableSandbox, startSandbox } from '../src/sandbox.server';
import { ALL_SCOPES } from '../src/sandbox.options';
import { TestClock } from './support/test-clock';

const REDIRECT = 'http://localhost:4000/airtable-oauth';
const VERIFIER = 'v'.repeat(43);
const STATE = 'state-0123456789abcdef';

/** A token endpoint answer: tokens on success, an OAuth error otherwise. */
interface TokenBody {
  access_token: string;
  refresh_token: string;
  scope?: string;
  error?: string;
}

function challenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

describe('Airtable sandbox', () => {
  let sandbox: AirtableSandbox;
  const clock = new TestClock();

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      clients: [
        { clientId: 'public-app', redirectUris: [REDIRECT], scopes: ALL_SCOPES },
        { clientId: 'secret-app', clientSecret: 's3cret', redirectUris: [REDIRECT], scopes: ['data.records:read', 'schema.bases:read'] },
      ],
      clock,
      codeTtlMs: 300,
      refreshGraceMs: 300,
      basesPageSize: 2,
      rateLimitPerSecond: 3,
      rateLimitLockoutMs: 300,
    });
  });
  afterAll(() => sandbox.stop());

  function authorizeUrl(params: Record<string, string | null> = {}, extra = ''): string {
    const query = new URLSearchParams();
    const all: Record<string, string | null> = {
      client_id: 'public-app',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'data.records:read schema.bases:read',
      state: STATE,
      code_challenge: challenge(VERIFIER),
      code_challenge_method: 'S256',
      ...params,
    };
    for (const [name, value] of Object.entries(all)) if (value !== null) query.set(name, value);
    return `${sandbox.url}/oauth2/v1/authorize?${query}${extra}`;
  }

  async function authorize(params: Record<string, string | null> = {}, extra = '') {
    return fetch(authorizeUrl(params, extra), { redirect: 'manual' });
  }

  async function consent(url: string, decision = 'allow', bases: string[] = [sandbox.bases[0].id]) {
    const html = await (await fetch(url)).text();
    const request = /name="request" value="([^"]+)"/.exec(html)![1];
    const form = new URLSearchParams({ request, decision });
    bases.forEach((b) => form.append('base', b));
    const res = await fetch(`${sandbox.url}/oauth2/v1/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    return { res, request, location: new URL(res.headers.get('location') ?? 'http://none.invalid') };
  }

  async function newCode(params: Record<string, string | null> = {}, bases?: string[]): Promise<string> {
    const { location } = await consent(authorizeUrl(params), 'allow', bases);
    return location.searchParams.get('code')!;
  }

  async function token(params: Record<string, string>, init: { basic?: string; contentType?: string; body?: string } = {}) {
    const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/x-www-form-urlencoded' };
    if (init.basic) headers.authorization = `Basic ${Buffer.from(init.basic).toString('base64')}`;
    const res = await fetch(`${sandbox.url}/oauth2/v1/token`, { method: 'POST', headers, body: init.body ?? new URLSearchParams(params).toString() });
    return { status: res.status, body: (await res.json()) as TokenBody };
  }

  const exchange = (code: string, extra: Record<string, string> = {}) =>
    token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER, client_id: 'public-app', ...extra });

  async function tokens() {
    const res = await exchange(await newCode());
    expect(res.status).toBe(200);
    return res.body;
  }

  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'public-app', ...extra });

  const whoami = (accessToken: string) => fetch(`${sandbox.url}/v0/meta/whoami`, { headers: { authorization: `Bearer ${accessToken}` } });

  describe('authorize', () => {
    it('shows a consent page listing the bases for a valid request', async () => {
      const res = await authorize();
      expect(res.status).toBe(200);
      const html = await res.text();
      for (const base of sandbox.bases) expect(html).toContain(base.id);
      expect(html).toContain('Hiring &lt;Team&gt; &amp; &quot;Ops&quot;');
    });

    it.each([
      ['an unknown client_id', { client_id: 'nobody' }],
      ['a missing client_id', { client_id: null }],
      ['a non-matching redirect_uri', { redirect_uri: 'http://localhost:4000/other' }],
      ['a redirect_uri differing only by a slash', { redirect_uri: `${REDIRECT}/` }],
    ])('shows an error page and does not redirect for %s', async (_name, params) => {
      const res = await authorize(params);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });

    it.each([
      ['unsupported_response_type', { response_type: 'token' }, ''],
      ['invalid_request', { response_type: null }, ''],
      ['invalid_request', { code_challenge: null }, ''],
      ['invalid_request', { code_challenge: 'short' }, ''],
      ['invalid_request', { code_challenge_method: 'plain' }, ''],
      ['invalid_request', { code_challenge_method: null }, ''],
      ['invalid_request', { state: 'too-short' }, ''],
      ['invalid_request', {}, '&scope=data.records:read'],
      ['invalid_scope', { scope: '' }, ''],
      ['invalid_scope', { scope: 'data.records:read  schema.bases:read' }, ''],
      ['invalid_scope', { scope: 'data.records:read data.records:read' }, ''],
      ['invalid_scope', { scope: 'data.records:read admin:everything' }, ''],
    ] as Array<[string, Record<string, string | null>, string]>)('redirects with error=%s for %j%s, echoing the state', async (error, params, extra) => {
      const res = await authorize(params, extra);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(REDIRECT);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('error_description')).toBeTruthy();
      expect(location.searchParams.get('state')).toBe(params.state ?? STATE);
      expect(location.searchParams.get('code')).toBeNull();
    });

    it('sends no state back when none was sent', async () => {
      const location = new URL((await authorize({ state: null })).headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.has('state')).toBe(false);
    });

    it('refuses a scope the integration does not have', async () => {
      const location = new URL((await authorize({ client_id: 'secret-app', scope: 'user.email:read' })).headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('invalid_scope');
    });

    it('answers Deny with access_denied and the state', async () => {
      const { res, location } = await consent(authorizeUrl(), 'deny');
      expect(res.status).toBe(302);
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('state')).toBe(STATE);
      expect(location.searchParams.get('code')).toBeNull();
    });

    it('answers Allow with a code and the state, and a consent cannot be answered twice', async () => {
      const { location, request } = await consent(authorizeUrl());
      expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(location.searchParams.get('state')).toBe(STATE);
      const again = await fetch(`${sandbox.url}/oauth2/v1/authorize`, {
        method: 'POST',
        body: new URLSearchParams({ request, decision: 'allow' }),
        redirect: 'manual',
      });
      expect(again.status).toBe(400);
    });
  });

  describe('token endpoint', () => {
    it('exchanges a code for Airtable-shaped tokens', async () => {
      const res = await exchange(await newCode());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        access_token: expect.stringMatching(/^oaa[A-Za-z0-9]{14}\.v1\.[A-Za-z0-9_-]+\.[0-9a-f]{64}$/),
        refresh_token: expect.stringMatching(/^oaa/),
        token_type: 'Bearer',
        scope: 'data.records:read schema.bases:read',
        expires_in: 3600,
        refresh_expires_in: 5184000,
      });
    });

    it('keeps a code single use, even when the first exchange failed', async () => {
      const code = await newCode();
      expect((await exchange(code, { code_verifier: 'w'.repeat(43) })).body.error).toBe('invalid_grant');
      const second = await exchange(code);
      expect(second.status).toBe(400);
      expect(second.body.error).toBe('invalid_grant');
    });

    it('refuses a reused code', async () => {
      const code = await newCode();
      expect((await exchange(code)).status).toBe(200);
      expect((await exchange(code)).body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    });

    it('refuses an expired code', async () => {
      const code = await newCode();
      clock.advance(400);
      expect((await exchange(code)).body.error).toBe('invalid_grant');
    });

    it('refuses a verifier with ~ as invalid_request', async () => {
      const res = await exchange(await newCode(), { code_verifier: `${'v'.repeat(42)}~` });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it.each([
      ['a verifier that does not match', { code_verifier: 'x'.repeat(43) }],
      ['another redirect_uri', { redirect_uri: 'http://localhost:4000/other' }],
    ])('refuses %s as invalid_grant', async (_name, extra) => {
      const res = await exchange(await newCode(), extra);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    });

    it('refuses a code issued to another client', async () => {
      const code = await newCode({ client_id: 'secret-app' });
      const res = await exchange(code);
      expect(res.body.error).toBe('invalid_grant');
    });

    it('requires a form-encoded body and no repeated parameters', async () => {
      const asJson = await token({}, { contentType: 'application/json', body: JSON.stringify({ grant_type: 'authorization_code' }) });
      expect(asJson.status).toBe(400);
      expect(asJson.body.error).toBe('invalid_request');
      const repeated = await token({}, { body: 'grant_type=authorization_code&client_id=public-app&client_id=public-app' });
      expect(repeated.body.error).toBe('invalid_request');
    });

    it('answers unsupported_grant_type and invalid_request for a missing grant_type', async () => {
      expect((await token({ grant_type: 'password', client_id: 'public-app' })).body.error).toBe('unsupported_grant_type');
      expect((await token({ client_id: 'public-app' })).body.error).toBe('invalid_request');
    });

    describe('client authentication', () => {
      const code = () => newCode({ client_id: 'secret-app' });
      const confidential = async (basic: string | undefined, extra: Record<string, string> = {}) =>
        token(
          { grant_type: 'authorization_code', code: await code(), redirect_uri: REDIRECT, code_verifier: VERIFIER, ...extra },
          { basic },
        );

      it('accepts Basic auth for a client with a secret, with or without a matching body client_id', async () => {
        expect((await confidential('secret-app:s3cret')).status).toBe(200);
        expect((await confidential('secret-app:s3cret', { client_id: 'secret-app' })).status).toBe(200);
      });

      it('accepts form-encoded Basic credentials (RFC 6749 2.3.1) as well as raw ones', async () => {
        expect((await confidential('secret%2Dapp:s3cret')).status).toBe(200);
      });

      it.each([
        ['no Basic auth', undefined, {}],
        ['client_id in the body only', undefined, { client_id: 'secret-app' }],
        ['a wrong secret', 'secret-app:wrong', {}],
        ['a body client_id that disagrees', 'secret-app:s3cret', { client_id: 'public-app' }],
      ])('answers 401 invalid_client for a confidential client with %s', async (_name, basic, extra) => {
        const res = await confidential(basic, extra);
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
      });

      it('forbids Basic auth for a client without a secret', async () => {
        const res = await exchange(await newCode(), {});
        expect(res.status).toBe(200);
        const withBasic = await token(
          { grant_type: 'authorization_code', code: await newCode(), redirect_uri: REDIRECT, code_verifier: VERIFIER },
          { basic: 'public-app:' },
        );
        expect(withBasic.status).toBe(401);
        expect(withBasic.body.error).toBe('invalid_client');
      });

      it('answers 401 for an unknown public client', async () => {
        expect((await exchange(await newCode(), { client_id: 'nobody' })).status).toBe(401);
      });
    });

    describe('refresh', () => {
      it('rotates both tokens: the old ones die at once, the new ones work', async () => {
        const first = await tokens();
        expect((await whoami(first.access_token)).status).toBe(200);
        const res = await refresh(first.refresh_token);
        expect(res.status).toBe(200);
        expect(res.body.access_token).not.toBe(first.access_token);
        expect(res.body.refresh_token).not.toBe(first.refresh_token);
        expect((await whoami(first.access_token)).status).toBe(401);
        expect((await whoami(res.body.access_token)).status).toBe(200);
      });

      it('answers a duplicate refresh within the grace period with 409, and invalid_grant after it', async () => {
        const first = await tokens();
        expect((await refresh(first.refresh_token)).status).toBe(200);
        expect((await refresh(first.refresh_token)).status).toBe(409);
        clock.advance(400);
        const late = await refresh(first.refresh_token);
        expect(late.status).toBe(400);
        expect(late.body.error).toBe('invalid_grant');
      });

      it('narrows to a subset of scopes and refuses a superset', async () => {
        const first = await tokens();
        expect((await refresh(first.refresh_token, { scope: 'data.records:read webhook:manage' })).body.error).toBe('invalid_scope');
        const narrowed = await refresh(first.refresh_token, { scope: 'data.records:read' });
        expect(narrowed.body.scope).toBe('data.records:read');
      });

      it('revokes a grant refreshed more than 10 times a second', async () => {
        let current = await tokens();
        for (let i = 0; i < 10; i++) {
          const res = await refresh(current.refresh_token);
          expect(res.status).toBe(200);
          current = res.body;
        }
        expect((await refresh(current.refresh_token)).body.error).toBe('invalid_grant');
        expect((await whoami(current.access_token)).status).toBe(401);
      });

      it('refuses an unknown refresh token and one of another client', async () => {
        expect((await refresh('oaa-not-a-token')).body.error).toBe('invalid_grant');
        const first = await tokens();
        const stolen = await token(
          { grant_type: 'refresh_token', refresh_token: first.refresh_token },
          { basic: 'secret-app:s3cret' },
        );
        expect(stolen.body.error).toBe('invalid_grant');
      });
    });
  });

  describe('Web API', () => {
    it('answers whoami with the user, scopes, and email only with user.email:read', async () => {
      const plain = await tokens();
      expect(await (await whoami(plain.access_token)).json()).toEqual({
        id: sandbox.user.id,
        scopes: ['data.records:read', 'schema.bases:read'],
      });
      const withEmail = (await exchange(await newCode({ scope: 'user.email:read' }))).body;
      expect(await (await whoami(withEmail.access_token)).json()).toEqual({
        id: sandbox.user.id,
        scopes: ['user.email:read'],
        email: sandbox.user.email,
      });
    });

    it.each([['no token', undefined], ['a bad token', 'Bearer nope'], ['a non-bearer scheme', 'Basic eDp5']])(
      'answers 401 AUTHENTICATION_REQUIRED for %s',
      async (_name, authorization) => {
        const res = await fetch(`${sandbox.url}/v0/meta/whoami`, { headers: authorization ? { authorization } : {} });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ error: { type: 'AUTHENTICATION_REQUIRED', message: expect.any(String) } });
      },
    );

    it('answers unknown routes with 404 NOT_FOUND', async () => {
      const res = await fetch(`${sandbox.url}/v0/nothing-here`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'NOT_FOUND' });
    });

    it('counts what it receives', async () => {
      const before = sandbox.recorder.count('GET /v0/meta/whoami');
      await whoami('x');
      expect(sandbox.recorder.count('GET /v0/meta/whoami')).toBe(before + 1);
    });
  });

  describe('meta API', () => {
    const allBases = () => sandbox.bases.map((b) => b.id);
    async function accessToken(bases: string[], scope = 'schema.bases:read'): Promise<string> {
      return (await exchange(await newCode({ scope }, bases))).body.access_token;
    }
    const api = (path: string, token: string) => fetch(`${sandbox.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    /** The meta API's bodies, read loosely: each test looks at the part it is about. */
    interface MetaBody {
      bases: Array<{ id: string; name: string; permissionLevel: string }>;
      offset?: string;
      tables: Array<{ views: Array<{ id: string; type: string; visibleFieldIds?: string[] }> }>;
      error: { type: string };
    }
    const read = async (res: Response | Promise<Response>) => (await (await res).json()) as MetaBody;

    it('pages the granted bases with an offset that is absent on the last page', async () => {
      const token = await accessToken(allBases());
      const first = await read(api('/v0/meta/bases', token));
      expect(first.bases).toHaveLength(2);
      expect(first.bases[0]).toEqual({ id: sandbox.bases[0].id, name: sandbox.bases[0].name, permissionLevel: 'create' });
      expect(typeof first.offset).toBe('string');
      const second = await read(api(`/v0/meta/bases?offset=${first.offset}`, token));
      expect(second.bases.map((b: { id: string }) => b.id)).toEqual(allBases().slice(2));
      expect(second).not.toHaveProperty('offset');
      const bad = await api('/v0/meta/bases?offset=nonsense', token);
      expect(bad.status).toBe(422);
    });

    it('lists a base with permissionLevel none when it was granted, but refuses its schema', async () => {
      const archive = sandbox.bases.find((b) => b.permissionLevel === 'none')!;
      const token = await accessToken([archive.id]);
      expect((await read(api('/v0/meta/bases', token))).bases).toEqual([
        { id: archive.id, name: archive.name, permissionLevel: 'none' },
      ]);
      expect((await api(`/v0/meta/bases/${archive.id}/tables`, token)).status).toBe(403);
    });

    it('serves only granted bases, with visibleFieldIds only on request', async () => {
      const [granted, other] = sandbox.bases;
      const token = await accessToken([granted.id]);
      const res = await api(`/v0/meta/bases/${granted.id}/tables`, token);
      const body = await read(res);
      expect(body.tables[0].views[0]).not.toHaveProperty('visibleFieldIds');
      const visible = await read(api(`/v0/meta/bases/${granted.id}/tables?include=visibleFieldIds`, token));
      expect(visible.tables[0].views[0].visibleFieldIds).toEqual(granted.tables[0].fields.map((f) => f.id));
      for (const id of [other.id, 'appUnknownBase000']) {
        const denied = await api(`/v0/meta/bases/${id}/tables`, token);
        expect(denied.status).toBe(403);
        expect((await read(denied)).error.type).toBe('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
      }
    });

    it('answers 403 INVALID_PERMISSIONS without schema.bases:read', async () => {
      const token = await accessToken(allBases(), 'data.records:read');
      for (const path of ['/v0/meta/bases', `/v0/meta/bases/${sandbox.bases[1].id}/tables`]) {
        const res = await api(path, token);
        expect(res.status).toBe(403);
        expect((await read(res)).error.type).toBe('INVALID_PERMISSIONS');
      }
    });

    it('answers 429 RATE_LIMIT_REACHED over the per-base limit, for the whole lockout', async () => {
      const base = sandbox.bases[2].id; // no other test reads this base
      const token = await accessToken([base]);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await api(`/v0/meta/bases/${base}/tables`, token)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const locked = await api(`/v0/meta/bases/${base}/tables`, token);
      expect(locked.status).toBe(429);
      expect((await read(locked)).error.type).toBe('RATE_LIMIT_REACHED');
      // A real wait: the rate limit keeps to real time, not to the test clock.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await api(`/v0/meta/bases/${base}/tables`, token)).status).toBe(200);
    });

    it('adds visibleFieldIds to grid views only: a kanban view never carries it', async () => {
      const crm = sandbox.bases[0];
      const token = await accessToken([crm.id]);
      const views = (await read(api(`/v0/meta/bases/${crm.id}/tables?include=visibleFieldIds`, token))).tables.flatMap((t) => t.views);
      const stored = new Map(crm.tables.flatMap((t) => t.views).map((v) => [v.id, v]));
      const grids = views.filter((v) => v.type === 'grid');
      const others = views.filter((v) => v.type !== 'grid');
      expect(grids.length).toBeGreaterThan(0);
      expect(others.some((v) => v.type === 'kanban')).toBe(true);
      for (const view of grids) expect(view.visibleFieldIds).toEqual(stored.get(view.id)!.visibleFieldIds);
      for (const view of others) expect(view).not.toHaveProperty('visibleFieldIds');
    });
  });

  it('gives the sample data valid Airtable ids', () => {
    const ids = sandbox.bases.flatMap((b) => [b.id, ...b.tables.flatMap((t) => [t.id, ...t.fields.map((f) => f.id), ...t.views.map((v) => v.id)])]);
    for (const id of [...ids, sandbox.user.id]) expect(id).toMatch(/^(app|tbl|fld|viw|usr)[A-Za-z0-9]{14}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
