import request from 'supertest';
import type { Kysely } from 'kysely';
import { ApiKeyStore } from '../src/api-keys/api-key.store';
import type { SqlSchema } from '../src/storage/sql/sql-database';
import { SQL_DATABASE } from '../src/storage/sql/sql.providers';
import { TestBrowser } from './support/browser';
import { cli } from './support/service-process';
import { type Stack, startStack, tempDatabase } from './support/stack';

const CRM = 'appSandboxCRM0001';

describe('The backend API', () => {
  const path = tempDatabase();
  let stack: Stack;
  let other: Stack;
  let key: string;
  let readOnlyKey: string;
  let connectionId: string;
  let browser: TestBrowser;
  const api = (target: Stack = stack) => request(target.origin);

  beforeAll(async () => {
    key = cli(path, 'api-keys', 'create', '--name', 'sync worker', '--scopes', 'connections:read,connections:write,data:read,data:write,metrics').trim().split('\n').at(-1)!;
    readOnlyKey = cli(path, 'api-keys', 'create', '--name', 'reader', '--scopes', 'connections:read,data:read').trim().split('\n').at(-1)!;
    stack = await startStack({ env: { DATABASE_PATH: path, CONNECT_RETURN_ORIGINS: 'https://app.example.com' } });
    other = await startStack({ env: { DATABASE_PATH: path }, sandboxInstance: stack.sandbox });
    browser = new TestBrowser(stack);
    expect((await browser.signIn()).status).toBe(303);
    const list = await api().get('/api/connections').set('Authorization', `Bearer ${key}`).expect(200);
    connectionId = list.body.connections.at(-1).id;
  }, 60_000);
  afterAll(async () => {
    await other?.close();
    await stack?.close();
  });

  it('prints a key with a recognisable prefix alone on the last line, and lists keys without their secret', () => {
    expect(key).toMatch(/^atsk_[A-Za-z0-9_-]{43}$/);
    const listing = cli(path, 'api-keys', 'list');
    expect(listing).toContain('sync worker');
    expect(listing).toContain('connections:read,data:read');
    expect(listing).not.toContain(key);
  });

  it('refuses an unknown scope in the CLI and stores nothing', () => {
    expect(() => cli(path, 'api-keys', 'create', '--name', 'bad', '--scopes', 'everything')).toThrow(/Scopes are/);
    expect(cli(path, 'api-keys', 'list')).not.toContain('bad');
  });

  it.each([
    ['no key', undefined],
    ['a malformed key', 'Bearer not-a-key'],
    ['an unknown key', `Bearer atsk_${'A'.repeat(43)}`],
    ['a key in another scheme', `Basic ${Buffer.from('x:y').toString('base64')}`],
  ])('answers %s with the same 401', async (_case, authorization) => {
    const req = api().get('/api/connections');
    if (authorization) req.set('Authorization', authorization);
    const res = await req.expect(401);
    expect(res.body).toEqual({ statusCode: 401, code: 'invalid_api_key', message: 'A valid API key is required: Authorization: Bearer <key>.' });
  });

  it('describes a connection without its tokens', async () => {
    const res = await api().get(`/api/connections/${connectionId}`).set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.body).toEqual({
      id: connectionId,
      status: 'active',
      airtableUserId: stack.sandbox.user.id,
      email: stack.sandbox.user.email,
      scopes: expect.arrayContaining(['data.records:read']),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/oaa[A-Za-z0-9]{14}/);
    expect((await api().get('/api/connections/nope').set('Authorization', `Bearer ${key}`).expect(404)).body.code).toBe('connection_not_found');
  });

  it('pages the connections with a cursor', async () => {
    await new TestBrowser(stack).signIn();
    const first = await api().get('/api/connections?limit=1').set('Authorization', `Bearer ${key}`).expect(200);
    expect(first.body.connections).toHaveLength(1);
    const second = await api().get(`/api/connections?limit=1&cursor=${first.body.nextCursor}`).set('Authorization', `Bearer ${key}`).expect(200);
    expect(second.body.connections[0].id > first.body.connections[0].id).toBe(true);
    expect((await api().get('/api/connections?limit=0').set('Authorization', `Bearer ${key}`).expect(400)).body.code).toBe('invalid_request');
  });

  it("serves a connection's data with the same services as the session routes", async () => {
    const auth = `Bearer ${key}`;
    const bases = await api().get(`/api/connections/${connectionId}/bases`).set('Authorization', auth).expect(200);
    expect(bases.body).toEqual((await browser.agent.get('/bases').expect(200)).body);
    const tables = await api().get(`/api/connections/${connectionId}/bases/${CRM}/tables`).set('Authorization', auth).expect(200);
    expect(tables.body.tables.map((t: { name: string }) => t.name)).toContain('Deals');
    const page = await api().get(`/api/connections/${connectionId}/bases/${CRM}/tables/Deals/records?pageSize=2`).set('Authorization', auth).expect(200);
    expect(page.body.records).toHaveLength(2);
    const created = await api()
      .post(`/api/connections/${connectionId}/bases/${CRM}/tables/Deals/records`)
      .set('Authorization', auth)
      .send({ records: [{ fields: { Deal: 'From the backend' } }] })
      .expect(200);
    expect(created.body.records[0].fields).toEqual({ Deal: 'From the backend' });
  });

  it('needs data:write to write and answers a missing scope with its own code', async () => {
    const route = `/api/connections/${connectionId}/bases/${CRM}/tables/Deals/records`;
    await api().get(`${route}?pageSize=1`).set('Authorization', `Bearer ${readOnlyKey}`).expect(200);
    const before = stack.sandbox.recorder.received.length;
    const res = await api().post(route).set('Authorization', `Bearer ${readOnlyKey}`).send({ records: [{ fields: { Deal: 'x' } }] }).expect(403);
    expect(res.body.code).toBe('api_key_scope');
    expect((await api().delete(`/api/connections/${connectionId}`).set('Authorization', `Bearer ${readOnlyKey}`).expect(403)).body.code).toBe('api_key_scope');
    expect(stack.sandbox.recorder.received.length).toBe(before);
  });

  it('does not let a session cookie stand in for an API key', async () => {
    const res = await browser.agent.get(`/api/connections/${connectionId}/bases`).expect(401);
    expect(res.body.code).toBe('invalid_api_key');
  });

  it('stops a revoked key at once, on every instance', async () => {
    const { key: record, secret } = await stack.app.get(ApiKeyStore).create('short-lived', ['connections:read']);
    await api(other).get('/api/connections').set('Authorization', `Bearer ${secret}`).expect(200);
    cli(path, 'api-keys', 'revoke', record.id);
    await api(other).get('/api/connections').set('Authorization', `Bearer ${secret}`).expect(401);
    await api(stack).get('/api/connections').set('Authorization', `Bearer ${secret}`).expect(401);
  });

  it('serves Prometheus metrics to a key with the metrics scope only', async () => {
    const res = await api().get('/metrics').set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('http_requests_total{method="GET",route="/api/connections",status="200"}');
    expect(res.text).toMatch(/airtable_requests_total\{endpoint="meta\/whoami",status="200"\} [1-9]/);
    expect(res.text).toContain('airtable_pacer_wait_seconds_bucket');
    expect(res.text).toContain('events_outbox_depth 0');
    expect((await api().get('/metrics').set('Authorization', `Bearer ${readOnlyKey}`).expect(403)).body.code).toBe('api_key_scope');
    await api().get('/metrics').expect(401);
  });

  it('deletes a connection: its tokens go and its sessions end', async () => {
    const ids = async () => (await api().get('/api/connections').set('Authorization', `Bearer ${key}`).expect(200)).body.connections.map((c: { id: string }) => c.id);
    const before = await ids();
    const doomed = new TestBrowser(stack);
    await doomed.signIn();
    await doomed.agent.get('/me').expect(200);
    const id = (await ids()).find((candidate: string) => !before.includes(candidate));
    await api().delete(`/api/connections/${id}`).set('Authorization', `Bearer ${key}`).expect(204);
    await doomed.agent.get('/me').expect(401);
    await api().get(`/api/connections/${id}`).set('Authorization', `Bearer ${key}`).expect(404);
    await api().delete(`/api/connections/${id}`).set('Authorization', `Bearer ${key}`).expect(404);
  });
});

describe('Connect links', () => {
  let stack: Stack;
  let key: string;
  const api = () => request(stack.origin);

  beforeAll(async () => {
    stack = await startStack({ env: { CONNECT_RETURN_ORIGINS: 'https://app.example.com,http://localhost:3000' } });
    ({ secret: key } = await stack.app.get(ApiKeyStore).create('backend', ['connections:read', 'connections:write']));
  });
  afterAll(() => stack.close());

  const link = (body: object) => api().post('/api/connect-sessions').set('Authorization', `Bearer ${key}`).send(body);

  /** An end user's browser: opens the link, clicks Connect Airtable, consents, and comes back from the callback. */
  async function connectThrough(url: string) {
    const back = await new TestBrowser(stack).connect(url);
    expect(back.status).toBe(303);
    return back;
  }

  it('hands out a link that connects the end user and returns to the app with the connection id', async () => {
    const created = await link({ endUserId: 'user-42', returnUrl: 'https://app.example.com/done?tab=1' }).expect(201);
    expect(created.body.url).toMatch(new RegExp(`^${stack.origin}/connect/[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(created.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    const back = await connectThrough(created.body.url);
    const returned = new URL(back.headers.location);
    expect(returned.origin + returned.pathname).toBe('https://app.example.com/done');
    expect(returned.searchParams.get('tab')).toBe('1');
    const connectionId = returned.searchParams.get('connectionId')!;
    const connection = await api().get(`/api/connections/${connectionId}`).set('Authorization', `Bearer ${key}`).expect(200);
    expect(connection.body).toMatchObject({ id: connectionId, endUserId: 'user-42', status: 'active' });

    const again = await new TestBrowser(stack).agent.get(new URL(created.body.url).pathname).set('Accept', 'text/html').expect(410);
    expect(again.text).toContain('connect_link_used');
  });

  it('renews the connection when the same end user connects the same Airtable account again', async () => {
    const first = new URL((await connectThrough((await link({ endUserId: 'user-7', returnUrl: 'http://localhost:3000/x' }).expect(201)).body.url)).headers.location);
    const grantsBefore = stack.sandbox.grants.allGrants().length;
    const second = new URL((await connectThrough((await link({ endUserId: 'user-7', returnUrl: 'http://localhost:3000/x' }).expect(201)).body.url)).headers.location);
    expect(stack.sandbox.grants.allGrants().length).toBe(grantsBefore + 1);
    expect(second.searchParams.get('connectionId')).toBe(first.searchParams.get('connectionId'));
    const owned = await api().get('/api/connections?endUserId=user-7').set('Authorization', `Bearer ${key}`).expect(200);
    expect(owned.body.connections).toHaveLength(1);
  });

  it('shows a page saying the tab can close when the link has no return URL', async () => {
    const back = await connectThrough((await link({ endUserId: 'user-9' }).expect(201)).body.url);
    expect(back.headers.location).toBe('/connect/done');
    expect((await request(stack.origin).get('/connect/done').expect(200)).text).toContain('You can close this tab');
  });

  it.each([
    ['no endUserId', { returnUrl: 'https://app.example.com/' }],
    ['an empty endUserId', { endUserId: '' }],
    ['an endUserId with a control character', { endUserId: 'a\u0001b' }],
    ['a return URL on another origin', { endUserId: 'u', returnUrl: 'https://evil.example/' }],
    ['a relative return URL', { endUserId: 'u', returnUrl: '/done' }],
    ['an unknown property', { endUserId: 'u', colour: 'red' }],
  ])('refuses a link request with %s and creates nothing', async (_case, body) => {
    const links = () => stack.app.get<Kysely<SqlSchema>>(SQL_DATABASE).selectFrom('connect_links').selectAll().execute();
    const before = (await links()).length;
    const res = await link(body).expect(400);
    expect((await links()).length).toBe(before);
    expect(res.body).toEqual({ statusCode: 400, code: 'invalid_request', message: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain('evil');
  });

  it('refuses a link request without the connections:write scope', async () => {
    const { secret } = await stack.app.get(ApiKeyStore).create('reader', ['connections:read']);
    const res = await api().post('/api/connect-sessions').set('Authorization', `Bearer ${secret}`).send({ endUserId: 'u' }).expect(403);
    expect(res.body.code).toBe('api_key_scope');
  });

  it('answers an unknown or malformed link with a clear error page', async () => {
    for (const token of ['A'.repeat(43), 'short', '..%2F..%2Fauth']) {
      const res = await request(stack.origin).get(`/connect/${token}`).set('Accept', 'text/html');
      expect(res.status).toBe(404);
      expect(res.text).toContain('invalid_connect_link');
    }
  });
});

