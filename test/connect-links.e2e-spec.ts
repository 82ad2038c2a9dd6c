import type { Kysely } from 'kysely';
import request from 'supertest';
import { ApiKeyStore } from '../src/api-keys/api-key.store';
import { type AirtableSandbox, ALL_SCOPES, SANDBOX_CLIENT_ID, startSandbox } from 'airtable-sandbox';
import type { SqlSchema } from '../src/storage/sql/sql-database';
import { SQL_DATABASE } from '../src/storage/sql/sql.providers';
import { TestBrowser } from './support/browser';
import { freePort, SHARED_STORES, type SharedStores, type Stack, stacksClosedAfterEach, startStack } from './support/stack';

const HTML = 'text/html,application/xhtml+xml';
const APP = 'https://app.example.com';

/** A backend's connect link: the URL it hands its end user, and the path and token in it. */
interface Link {
  url: string;
  path: string;
  token: string;
}

async function newLink(stack: Stack, key: string, body: { endUserId: string; returnUrl?: string }): Promise<Link> {
  const res = await request(stack.origin).post('/api/connect-sessions').set('Authorization', `Bearer ${key}`).send(body).expect(201);
  const path = new URL(res.body.url).pathname;
  return { url: res.body.url, path, token: path.split('/').at(-1)! };
}

async function connectionsOf(stack: Stack, key: string, endUserId: string): Promise<Array<{ id: string }>> {
  const res = await request(stack.origin).get(`/api/connections?endUserId=${endUserId}`).set('Authorization', `Bearer ${key}`).expect(200);
  return res.body.connections;
}

const connectionIdOf = (location: string) => new URL(location, 'http://service.invalid').searchParams.get('connectionId');
const stateOf = (authorizeUrl: string) => new URL(authorizeUrl).searchParams.get('state')!;

describe('Connect links', () => {
  let stack: Stack;
  let key: string;
  const service = () => request(stack.origin);
  const sandboxCalls = () => stack.sandbox.recorder.countAll();
  const link = (endUserId: string, returnUrl?: string) => newLink(stack, key, { endUserId, ...(returnUrl ? { returnUrl } : {}) });

  beforeAll(async () => {
    stack = await startStack({ env: { CONNECT_RETURN_ORIGINS: APP } });
    ({ secret: key } = await stack.app.get(ApiKeyStore).create('backend', ['connections:read', 'connections:write']));
  });
  afterAll(() => stack?.close());

  it('shows a page naming the scopes the login asks for, with a Connect Airtable form and no script', async () => {
    const { path, token } = await link('page-user');
    const res = await service().get(path).set('Accept', HTML).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const policy = res.headers['content-security-policy'];
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toMatch(/script-src|unsafe/);
    // The form's answer redirects to Airtable, and browsers hold that redirect to form-action.
    expect(policy).toContain(`form-action 'self' ${stack.sandbox.url}`);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toContain('<h1>Connect your Airtable account</h1>');
    expect(res.text).toContain(`<form method="post" action="/connect/${token}"><button type="submit">Connect Airtable</button></form>`);
    expect(res.text).toContain('See the records in the bases you choose');
    expect(res.text).toContain('See your email address');
    expect(res.text).not.toMatch(/<script/i);

    const authorizeUrl = await new TestBrowser(stack).startConnect(path);
    const asked = new URL(authorizeUrl).searchParams.get('scope')!.split(' ');
    const shown = [...res.text.matchAll(/<small><code>([^<]+)<\/code><\/small>/g)].map((m) => m[1]);
    expect(shown).toEqual(asked);
  });

  it('survives a preview bot opening it with GET and HEAD, again and again, then connects its person', async () => {
    const { path } = await link('user-preview', `${APP}/done?tab=1`);
    const before = sandboxCalls();
    for (let i = 0; i < 3; i++) {
      for (const accept of [HTML, '*/*']) {
        const res = await service().get(path).set('Accept', accept).set('User-Agent', 'Slackbot-LinkExpanding 1.0').expect(200);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      const head = await service().head(path).set('User-Agent', 'Microsoft Office Existence Discovery').expect(200);
      expect(head.headers['content-type']).toMatch(/^text\/html/);
      expect(head.headers['cache-control']).toBe('no-store');
      expect(head.headers['set-cookie']).toBeUndefined();
      expect(head.text ?? '').toBe('');
    }
    expect(sandboxCalls()).toBe(before);

    const back = await new TestBrowser(stack).connect(path);
    expect(back.status).toBe(303);
    const returned = new URL(back.headers.location);
    expect(returned.origin + returned.pathname).toBe(`${APP}/done`);
    expect(returned.searchParams.get('tab')).toBe('1');
    const connectionId = returned.searchParams.get('connectionId')!;
    expect(await connectionsOf(stack, key, 'user-preview')).toEqual([expect.objectContaining({ id: connectionId })]);
  });

  it('connects without a return URL and ends on the done page', async () => {
    const { path } = await link('user-done');
    const back = await new TestBrowser(stack).connect(path);
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/connect/done');
    expect((await service().get('/connect/done').expect(200)).text).toContain('You can close this tab');
  });

  it.each([
    ['another site (Sec-Fetch-Site)', { 'Sec-Fetch-Site': 'cross-site' }],
    ['a sibling site (Sec-Fetch-Site)', { 'Sec-Fetch-Site': 'same-site' }],
    ['another origin (Origin, older browsers)', { Origin: 'https://evil.example' }],
  ])('refuses to start a login from a form of %s, and the link keeps working', async (_case, headers) => {
    const { path } = await link('user-csrf');
    const browser = new TestBrowser(stack);
    const refused = await browser.agent.post(path).set(headers).set('Accept', 'application/json').type('form').send('');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden_origin');
    expect(refused.headers.location).toBeUndefined();
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect((await browser.connect(path)).status).toBe(303);
  });

  it.each([
    ['an unknown', `/connect/${'A'.repeat(43)}`],
    ['a malformed', '/connect/short'],
    ['an encoded path as', '/connect/..%2F..%2Fauth'],
  ])('answers %s link with 404 invalid_connect_link, on the page and to a POST, sending nothing to Airtable', async (_case, path) => {
    const before = sandboxCalls();
    const page = await service().get(path).set('Accept', HTML);
    expect(page.status).toBe(404);
    expect(page.text).toContain('<code>invalid_connect_link</code>');
    expect(page.text).not.toContain('/auth/login');
    const head = await service().head(path);
    expect(head.status).toBe(404);
    const post = await service().post(path).set('Sec-Fetch-Site', 'same-origin').set('Accept', 'application/json').type('form').send('');
    expect(post.status).toBe(404);
    expect(post.body).toMatchObject({ statusCode: 404, code: 'invalid_connect_link' });
    expect(post.headers.location).toBeUndefined();
    expect(post.headers['set-cookie']).toBeUndefined();
    expect(sandboxCalls()).toBe(before);
  });

  it('says a completed link was used, and refuses to start it again', async () => {
    const { path } = await link('user-used');
    expect((await new TestBrowser(stack).connect(path)).status).toBe(303);
    const before = sandboxCalls();
    const page = await service().get(path).set('Accept', HTML);
    expect(page.status).toBe(410);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<code>connect_link_used</code>');
    expect(page.text).toContain('already used');
    expect(page.text).not.toContain('/auth/login');
    expect((await service().head(path)).status).toBe(410);
    const post = await new TestBrowser(stack).agent.post(path).set('Sec-Fetch-Site', 'same-origin').set('Accept', 'application/json').type('form').send('');
    expect(post.status).toBe(410);
    expect(post.body).toMatchObject({ statusCode: 410, code: 'connect_link_used' });
    expect(post.headers.location).toBeUndefined();
    expect(sandboxCalls()).toBe(before);
  });

  it('says an expired link has expired, on the page and to a POST', async () => {
    const { path, token } = await link('user-expired');
    const db = stack.app.get<Kysely<SqlSchema>>(SQL_DATABASE);
    const expired = await db.updateTable('connect_links').set({ expires_at: Date.now() - 1000 }).where('end_user_id', '=', 'user-expired').executeTakeFirst();
    expect(Number(expired.numUpdatedRows)).toBe(1);
    const before = sandboxCalls();
    const page = await service().get(path).set('Accept', HTML);
    expect(page.status).toBe(410);
    expect(page.text).toContain('<code>connect_link_expired</code>');
    expect(page.text).not.toContain(token);
    const post = await service().post(path).set('Sec-Fetch-Site', 'same-origin').set('Accept', 'application/json').type('form').send('');
    expect(post.status).toBe(410);
    expect(post.body).toMatchObject({ code: 'connect_link_expired' });
    expect(sandboxCalls()).toBe(before);
  });

  it("sends a person who cancels at the consent screen back to the link's page, where it still connects", async () => {
    const { path } = await link('user-cancel');
    const browser = new TestBrowser(stack);
    const tokenCalls = stack.sandbox.recorder.count('POST /oauth2/v1/token');
    const cancelled = await browser.callback(await browser.consent(await browser.startConnect(path), { decision: 'deny' }), HTML);
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.location).toBe(path);
    expect(stack.sandbox.recorder.count('POST /oauth2/v1/token')).toBe(tokenCalls);
    expect(await connectionsOf(stack, key, 'user-cancel')).toEqual([]);
    expect((await browser.agent.get(cancelled.headers.location).set('Accept', HTML).expect(200)).text).toContain('Connect Airtable');

    const retried = await browser.connect(path);
    expect(retried.status).toBe(303);
    expect(retried.headers.location).toBe('/connect/done');
    expect(await connectionsOf(stack, key, 'user-cancel')).toHaveLength(1);
  });

  it('sends a person who cancels back to the app with error=access_denied; a retry then connects', async () => {
    const { path } = await link('user-cancel-app', `${APP}/airtable?tab=2`);
    const browser = new TestBrowser(stack);
    const cancelled = await browser.connect(path, { decision: 'deny' });
    expect(cancelled.status).toBe(303);
    const back = new URL(cancelled.headers.location);
    expect(back.origin + back.pathname).toBe(`${APP}/airtable`);
    expect(Object.fromEntries(back.searchParams)).toEqual({ tab: '2', error: 'access_denied' });

    const retried = await browser.connect(path);
    expect(retried.status).toBe(303);
    expect(connectionIdOf(retried.headers.location)).toBe((await connectionsOf(stack, key, 'user-cancel-app'))[0].id);
  });

  it("offers the link's page, never this service's sign-in, when Airtable reports another error", async () => {
    const { path } = await link('user-airtable-error');
    const browser = new TestBrowser(stack);
    const authorizeUrl = await browser.startConnect(path);
    const res = await browser.callback(`/airtable-oauth?state=${stateOf(authorizeUrl)}&error=server_error`, HTML);
    expect(res.status).toBe(502);
    expect(res.text).toContain('<code>authorization_failed</code>');
    expect(res.text).toContain(`<a class="button" href="${path}">Try again</a>`);
    expect(res.text).not.toContain('/auth/login');
    expect((await browser.connect(path)).status).toBe(303);
  });

  it("offers no sign-in when a link's callback reaches another browser or comes again", async () => {
    const { path, token } = await link('user-mismatch');
    const owner = new TestBrowser(stack);
    const callback = await owner.consent(await owner.startConnect(path));

    const elsewhere = await new TestBrowser(stack).callback(callback, HTML);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain('<code>browser_mismatch</code>');
    expect(elsewhere.text).not.toContain('/auth/login');
    expect(elsewhere.text).not.toContain(token);

    expect((await owner.callback(callback)).status).toBe(303);
    const replayed = await owner.callback(callback, HTML);
    expect(replayed.status).toBe(400);
    expect(replayed.text).toContain('<code>invalid_state</code>');
    expect(replayed.text).not.toContain('/auth/login');
  });

  it('lets a second browser that started before the first finished complete too, to the same connection', async () => {
    const { path } = await link('user-two-browsers', `${APP}/done`);
    const phone = new TestBrowser(stack);
    const laptop = new TestBrowser(stack);
    const abandoned = new TestBrowser(stack);
    await abandoned.startConnect(path);
    const phoneCallback = await phone.consent(await phone.startConnect(path));
    const laptopCallback = await laptop.consent(await laptop.startConnect(path));

    const first = await phone.callback(phoneCallback).expect(303);
    const second = await laptop.callback(laptopCallback).expect(303);
    const connectionId = connectionIdOf(first.headers.location);
    expect(connectionId).toBeTruthy();
    expect(connectionIdOf(second.headers.location)).toBe(connectionId);
    expect(await connectionsOf(stack, key, 'user-two-browsers')).toEqual([expect.objectContaining({ id: connectionId })]);
    // Used up now: a new login cannot start through it.
    expect((await service().get(path).set('Accept', HTML)).status).toBe(410);
  });
});

describe('Starting a connect link login', () => {
  let stack: Stack;
  afterAll(() => stack?.close());

  it('is held to the per-client login limit; showing the page is not', async () => {
    stack = await startStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '2' } });
    const { secret } = await stack.app.get(ApiKeyStore).create('backend', ['connections:write']);
    const { path } = await newLink(stack, secret, { endUserId: 'user-limited' });
    for (let i = 0; i < 5; i++) await request(stack.origin).get(path).set('Accept', HTML).expect(200);
    const post = () => request(stack.origin).post(path).set('Sec-Fetch-Site', 'same-origin').set('Accept', 'application/json').type('form').send('');
    expect((await post()).status).toBe(303);
    expect((await post()).status).toBe(303);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('too_many_requests');
    expect(limited.headers['retry-after']).toBeDefined();
  });
});


describe('Two links of one end user completed at the same moment, on two instances', () => {
  const start = stacksClosedAfterEach();
  let sandbox: AirtableSandbox | undefined;
  let stores: SharedStores | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    await stores?.remove();
    sandbox = stores = undefined;
  });

  it.each(SHARED_STORES)('make one connection, both answering with its id (sharing %s)', async (_stores, provision) => {
    stores = await provision();
    const ports = [await freePort(), await freePort()];
    sandbox = await startSandbox({
      port: 0,
      clients: [{ clientId: SANDBOX_CLIENT_ID, redirectUris: ports.map((port) => `http://127.0.0.1:${port}/airtable-oauth`), scopes: ALL_SCOPES }],
    });
    const stacks = [
      await start({ port: ports[0], sandboxInstance: sandbox, env: { CONNECT_RETURN_ORIGINS: APP, ...stores.env } }),
      await start({ port: ports[1], sandboxInstance: sandbox, env: { CONNECT_RETURN_ORIGINS: APP, ...stores.env } }),
    ];
    const { secret: key } = await stacks[0].app.get(ApiKeyStore).create('backend', ['connections:read', 'connections:write']);

    for (const endUserId of ['racer-1', 'racer-2', 'racer-3']) {
      // Two links, each opened in a browser of its own on an instance of its own, consented by the same Airtable user.
      const browsers = stacks.map((stack) => new TestBrowser(stack));
      const callbacks = await Promise.all(
        stacks.map(async (stack, i) => {
          const { path } = await newLink(stack, key, { endUserId, returnUrl: `${APP}/done` });
          return browsers[i].consent(await browsers[i].startConnect(path));
        }),
      );
      const answers = await Promise.all(browsers.map((browser, i) => browser.callback(callbacks[i])));
      expect(answers.map((answer) => answer.status)).toEqual([303, 303]);
      const ids = answers.map((answer) => connectionIdOf(answer.headers.location));
      expect(ids[0]).toBeTruthy();
      expect(ids[1]).toBe(ids[0]);
      expect(await connectionsOf(stacks[1], key, endUserId)).toEqual([expect.objectContaining({ id: ids[0] })]);
    }
  }, 60_000);
});
