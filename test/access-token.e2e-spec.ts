import request from 'supertest';
import { ApiKeyStore } from '../src/api-keys/api-key.store';
import type { ApiScope } from '../src/api-keys/api-key';
import { TestBrowser } from './support/browser';
import { FakeClock } from './support/fake-clock';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { type Stack, stacksClosedAfterEach } from './support/stack';

const TOKEN_ROUTE = 'POST /oauth2/v1/token';

async function keyFor(stack: Stack, scopes: ApiScope[]): Promise<string> {
  return (await stack.app.get(ApiKeyStore).create('backend', scopes)).secret;
}

/** A browser connects; the connection's id, as the API lists it. */
async function connected(stack: Stack, key: string): Promise<string> {
  await new TestBrowser(stack).signIn();
  const list = await request(stack.origin).get('/api/connections').set('Authorization', `Bearer ${key}`).expect(200);
  return list.body.connections[0].id;
}

const refreshes = (stack: Stack) => stack.sandbox.recorder.tokenRequests.filter((r) => r.grantType === 'refresh_token');

describe('POST /api/connections/:id/access-token', () => {
  const start = stacksClosedAfterEach();
  let database: TestDatabase | undefined;
  afterAll(() => database?.drop());

  it('answers the stored token while it has more than 5 minutes left, no-store, and counts it', async () => {
    const stack = await start({});
    const key = await keyFor(stack, ['connections:read', 'credentials:read', 'metrics']);
    const id = await connected(stack, key);
    const res = await request(stack.origin).post(`/api/connections/${id}/access-token`).set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'expiresAt', 'scopes']);
    expect(new Date(res.body.expiresAt).toISOString()).toBe(res.body.expiresAt);
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(5 * 60_000);
    expect(res.body.scopes).toEqual(expect.arrayContaining(['data.records:read', 'schema.bases:read']));
    expect(refreshes(stack)).toEqual([]);
    // The token is the one Airtable accepts for this user.
    const whoami = await fetch(`${stack.sandbox.url}/v0/meta/whoami`, { headers: { Authorization: `Bearer ${res.body.accessToken}` } });
    expect(whoami.status).toBe(200);
    const metrics = await request(stack.origin).get('/metrics').set('Authorization', `Bearer ${key}`).expect(200);
    expect(metrics.text).toMatch(/^access_tokens_given_total 1$/m);
  });

  it('refreshes first a token with less than 5 minutes left', async () => {
    const clock = new FakeClock();
    const stack = await start({ clock, sandbox: { accessTokenTtlMs: 60 * 60_000 } });
    const key = await keyFor(stack, ['connections:read', 'credentials:read']);
    const id = await connected(stack, key);
    const first = (await request(stack.origin).post(`/api/connections/${id}/access-token`).set('Authorization', `Bearer ${key}`).expect(200)).body;
    clock.advance(56 * 60_000);
    const second = (await request(stack.origin).post(`/api/connections/${id}/access-token`).set('Authorization', `Bearer ${key}`).expect(200)).body;
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(Date.parse(second.expiresAt) - clock.now()).toBeGreaterThan(5 * 60_000);
    expect(refreshes(stack).map((r) => r.status)).toEqual([200]);
  });

  it('is refused without credentials:read, for an unknown connection, and when the grant is gone', async () => {
    const stack = await start({});
    const everythingElse = await keyFor(stack, ['connections:read', 'connections:write', 'data:read', 'data:write', 'metrics']);
    const key = await keyFor(stack, ['credentials:read']);
    const id = await connected(stack, everythingElse);
    const post = (path: string, secret = key) => request(stack.origin).post(path).set('Authorization', `Bearer ${secret}`);
    expect((await post(`/api/connections/${id}/access-token`, everythingElse)).body).toMatchObject({ code: 'api_key_scope' });
    expect((await post('/api/connections/nope/access-token').expect(404)).body).toMatchObject({ code: 'connection_not_found' });
    const [grant] = stack.sandbox.grants.allGrants();
    stack.sandbox.grants.revoke(grant);
    stack.sandbox.grants.expireAccessToken(grant);
    // The stored token still has its hour: the service cannot know the grant is gone until it refreshes.
    expect((await post(`/api/connections/${id}/access-token`).expect(200)).body.accessToken).toBeTruthy();
    const res = await request(stack.origin).get(`/api/connections/${id}/bases/appSandboxCRM0001/tables/Contacts/records`).set('Authorization', `Bearer ${everythingElse}`);
    expect(res.body).toMatchObject({ code: 'reauth_required' });
    expect((await post(`/api/connections/${id}/access-token`)).body).toMatchObject({ code: 'reauth_required' });
  });

  it('refreshes once under 20 concurrent calls on two instances of one PostgreSQL', async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url };
    const clock = new FakeClock();
    const a = await start({ env, clock, sandbox: { accessTokenTtlMs: 60 * 60_000 } });
    const b = await start({ env, clock, sandboxInstance: a.sandbox });
    const key = await keyFor(a, ['connections:read', 'credentials:read']);
    const id = await connected(a, key);
    clock.advance(58 * 60_000);
    // Airtable answers the refresh slowly, so every call arrives while it is in flight.
    a.sandbox.recorder.fault(TOKEN_ROUTE, { delayMs: 300, times: 1 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => request(i % 2 ? b.origin : a.origin).post(`/api/connections/${id}/access-token`).set('Authorization', `Bearer ${key}`)),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((r) => r.body.accessToken)).size).toBe(1);
    expect(refreshes(a).map((r) => r.status)).toEqual([200]);
  });
});
