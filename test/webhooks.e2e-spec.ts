import { createHmac } from 'node:crypto';
import request from 'supertest';
import { API_SCOPES } from '../src/api-keys/api-key';
import { ApiKeyStore } from '../src/api-keys/api-key.store';
import { DEFAULT_SCOPES } from '../src/config/airtable.config';
import { OutboxDispatcher } from '../src/events/outbox-dispatcher.service';
import { WebhookUpkeep } from '../src/webhooks/webhook-upkeep.service';
import { type AirtableSandbox, sandboxAccessToken } from 'airtable-sandbox';
import { TestBrowser } from './support/browser';
import { cli, type RunningService, startServiceProcess } from './support/service-process';
import { EventReceiver, type ReceivedEvent, verifySignature } from './support/event-receiver';
import { FakeClock } from './support/fake-clock';
import { deleteKeys, REDIS_URL, testPrefix } from './support/redis';
import { type Stack, stacksClosedAfterEach, tempDatabase } from './support/stack';

const CRM = 'appSandboxCRM0001';
const SECRET = 'an-events-secret-of-at-least-32-characters';
const WITH_WEBHOOKS = `${DEFAULT_SCOPES} webhook:manage`;
const SPEC = { options: { filters: { dataTypes: ['tableData'] } } };
/** Fast events and a fast upkeep job; quiet webhooks are not read unless a test says so. */
const FAST = { EVENTS_SECRET: SECRET, EVENTS_POLL_MS: '50', EVENTS_RETRY_BASE_MS: '50', EVENTS_TIMEOUT_MS: '1000', WEBHOOKS_JOB_INTERVAL_MS: '100', AIRTABLE_SCOPES: WITH_WEBHOOKS };
const SANDBOX = { pingRetryDelaysMs: [100, 200, 400] };

interface Changes {
  connectionId: string;
  baseId: string;
  webhookId: string;
  cursor: number;
  nextCursor: number;
  payloads: Array<{ changedTablesById: Record<string, { createdRecordsById?: Record<string, unknown> }> }>;
}

/** The ids of every record created in `changes` events, once per appearance. */
function createdIds(deliveries: ReceivedEvent[]): string[] {
  return deliveries
    .filter((d) => d.event.type === 'airtable.changes')
    .flatMap((d) => (d.event.data as unknown as Changes).payloads)
    .flatMap((payload) => Object.values(payload.changedTablesById).flatMap((table) => Object.keys(table.createdRecordsById ?? {})));
}

function contactsTableId(sandbox: AirtableSandbox): string {
  return sandbox.bases.find((b) => b.id === CRM)!.tables.find((t) => t.name === 'Contacts')!.id;
}

/** A signed-in connection on `stack` and an API key for it. */
async function connected(stack: Stack): Promise<{ key: string; connectionId: string }> {
  const { secret: key } = await stack.app.get(ApiKeyStore).create('webhooks test', [...API_SCOPES]);
  const ids = async () => (await request(stack.origin).get('/api/connections').set('Authorization', `Bearer ${key}`).expect(200)).body.connections.map((c: { id: string }) => c.id) as string[];
  const before = await ids();
  expect((await new TestBrowser(stack).signIn()).status).toBe(303);
  return { key, connectionId: (await ids()).find((id) => !before.includes(id))! };
}

function client(stack: Stack, key: string, connectionId: string) {
  const api = request(stack.origin);
  const auth = { Authorization: `Bearer ${key}` };
  return {
    createWebhook: (body: unknown = { specification: SPEC }) => api.post(`/api/connections/${connectionId}/bases/${CRM}/webhooks`).set(auth).send(body as object),
    listWebhooks: () => api.get(`/api/connections/${connectionId}/webhooks`).set(auth),
    deleteWebhook: (id: string) => api.delete(`/api/connections/${connectionId}/webhooks/${id}`).set(auth),
    createContact: (name: string) =>
      api.post(`/api/connections/${connectionId}/bases/${CRM}/tables/Contacts/records`).set(auth).send({ records: [{ fields: { Name: name } }] }).expect(200),
  };
}

describe('Airtable webhooks', () => {
  const start = stacksClosedAfterEach();
  let receiver: EventReceiver;

  beforeEach(async () => {
    receiver = await new EventReceiver().listen();
  });
  afterEach(() => receiver.close());

  async function setUp(env: Record<string, string> = {}, sandbox: object = {}, clock?: FakeClock) {
    const stack = await start({ clock, env: { ...FAST, EVENTS_URL: receiver.url, ...env }, sandbox: { ...SANDBOX, ...sandbox } });
    const { key, connectionId } = await connected(stack);
    return { stack, connectionId, api: client(stack, key, connectionId) };
  }

  it('forwards a record written through the service to the app as a signed airtable.changes event', async () => {
    const { stack, connectionId, api } = await setUp();
    const created = await api.createWebhook().expect(201);
    expect(created.body).toEqual(
      expect.objectContaining({ id: expect.stringMatching(/^whk_/), airtableWebhookId: expect.stringMatching(/^ach/), baseId: CRM, connectionId, status: 'active', expiresAt: expect.any(String) }),
    );
    expect(JSON.stringify(created.body)).not.toMatch(/macSecret/i);
    const [atSandbox] = stack.sandbox.webhooks.all();
    expect(atSandbox.notificationUrl).toBe(`${stack.origin}/airtable-webhooks/${created.body.id}`);

    const record = (await api.createContact('Webhook Ada')).body.records[0];
    await receiver.waitFor((d) => createdIds(d).includes(record.id));
    const delivery = receiver.deliveries.find((d) => d.event.type === 'airtable.changes')!;
    expect(verifySignature(SECRET, delivery.headers['x-signature'] as string, delivery.body)).toBe(true);
    const data = delivery.event.data as unknown as Changes;
    expect(data).toEqual(expect.objectContaining({
      connectionId, baseId: CRM, webhookId: created.body.id, airtableWebhookId: created.body.airtableWebhookId, cursor: 1,
    }));
    expect(data.nextCursor).toBeGreaterThan(1);
    expect(data.payloads[0].changedTablesById[contactsTableId(stack.sandbox)].createdRecordsById).toHaveProperty(record.id);
    // The ping was answered, then read: the last ping shows on the webhook.
    const listed = await api.listWebhooks().expect(200);
    expect(listed.body.webhooks).toEqual([expect.objectContaining({ id: created.body.id, status: 'active', lastPingAt: expect.any(String) })]);
  });

  it('refuses forged, tampered and misdirected pings with one answer, and reads nothing for them', async () => {
    const { stack, api } = await setUp();
    const webhook = (await api.createWebhook().expect(201)).body;
    const other = (await api.createWebhook().expect(201)).body;
    const secretOf = (id: string) => Buffer.from(stack.sandbox.webhooks.all().find((w) => w.id === id)!.macSecretBase64, 'base64');
    const payloadsRead = () => stack.sandbox.recorder.count(`GET /v0/bases/${CRM}/webhooks/${webhook.airtableWebhookId}/payloads`) + stack.sandbox.recorder.count(`GET /v0/bases/${CRM}/webhooks/${other.airtableWebhookId}/payloads`);
    const pingOf = (airtableId: string) => JSON.stringify({ base: { id: CRM }, webhook: { id: airtableId }, timestamp: new Date().toISOString() });
    const macOf = (key: Buffer, sent: string) => `hmac-sha256=${createHmac('sha256', key).update(sent).digest('hex')}`;
    const body = pingOf(webhook.airtableWebhookId);
    const signed = macOf(secretOf(webhook.airtableWebhookId), body);
    const forged = macOf(Buffer.from('not the secret'), body);
    const ping = (id: string, mac: string | undefined, sent = body) => {
      const req = request(stack.origin).post(`/airtable-webhooks/${id}`).set('Content-Type', 'application/json');
      return (mac === undefined ? req : req.set('X-Airtable-Content-MAC', mac)).send(sent);
    };
    const attempts = [
      ping(webhook.id, undefined),
      ping(webhook.id, forged),
      ping(webhook.id, 'hmac-sha256=zz'),
      // Signed with the real secret, then changed on the way.
      ping(webhook.id, signed, body.replace(`"${CRM}"`, '"appSandboxCRM0002"')),
      // A real ping of one webhook sent to another's URL.
      ping(other.id, signed),
      // Signed with the other webhook's own secret, but naming this one.
      ping(other.id, macOf(secretOf(other.airtableWebhookId), body), body),
      ping('whk_aaaaaaaaaaaaaaaaaaaaaaaa', forged),
      ping('<script>', forged),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(expect.objectContaining({ code: 'invalid_webhook_signature', message: expect.any(String) }));
      expect(JSON.stringify(res.body)).not.toContain('script');
    }
    // Nothing was marked or read: no ping time, no payloads call, now or in the job's next pass.
    await stack.app.get(WebhookUpkeep).runOnce();
    expect(payloadsRead()).toBe(0);
    expect((await api.listWebhooks().expect(200)).body.webhooks.map((w: { lastPingAt?: string }) => w.lastPingAt)).toEqual([undefined, undefined]);
    // The same ping, untouched and to its own URL, is taken and read.
    await ping(webhook.id, signed).expect(204);
    await vi.waitFor(() => expect(payloadsRead()).toBeGreaterThan(0), { timeout: 5_000, interval: 20 });
  });

  it('checks the specification, the scopes and the per-base limit before calling Airtable', async () => {
    const { stack, api } = await setUp();
    const creates = () => stack.sandbox.recorder.count(`POST /v0/bases/${CRM}/webhooks`);
    for (const body of [
      {},
      { specification: SPEC, notificationUrl: 'https://evil.example' },
      { specification: { options: { filters: { dataTypes: [] } } } },
      { specification: { options: { filters: { dataTypes: ['tableData'], changeTypes: ['explode'] } } } },
      { specification: { options: { filters: { dataTypes: ['tableData'] }, includes: { includeCellValuesInFieldIds: ['nope'] } } } },
    ]) {
      const res = await api.createWebhook(body);
      expect([res.status, res.body.code]).toEqual([400, expect.stringMatching(/^(invalid_request|invalid_specification)$/)]);
      expect(JSON.stringify(res.body)).not.toMatch(/evil|explode|nope/);
    }
    expect(creates()).toBe(0);
    await api.createWebhook().expect(201);
    await api.createWebhook().expect(201);
    const third = await api.createWebhook().expect(409);
    expect(third.body.code).toBe('webhook_limit_reached');
    expect(creates()).toBe(2);
    expect(stack.sandbox.webhooks.all()).toHaveLength(2);
  });

  it.each([
    ['a connection without webhook:manage', { ...FAST, AIRTABLE_SCOPES: DEFAULT_SCOPES }, 403, 'insufficient_scope'],
    ['a service without EVENTS_URL', { AIRTABLE_SCOPES: WITH_WEBHOOKS }, 409, 'events_not_configured'],
  ])('refuses a webhook for %s before calling Airtable', async (_case, env, status, code) => {
    const stack = await start({ env: { ...env, ...('EVENTS_SECRET' in env ? { EVENTS_URL: receiver.url } : {}) } });
    const { key, connectionId } = await connected(stack);
    expect((await client(stack, key, connectionId).createWebhook().expect(status)).body.code).toBe(code);
    expect(stack.sandbox.recorder.count(`POST /v0/bases/${CRM}/webhooks`)).toBe(0);
  });

  it('lists and deletes webhooks, at Airtable too; another connection cannot touch them', async () => {
    const { stack, api } = await setUp();
    const webhook = (await api.createWebhook().expect(201)).body;
    const other = await connected(stack);
    const stranger = client(stack, other.key, other.connectionId);
    expect((await stranger.listWebhooks().expect(200)).body.webhooks).toEqual([]);
    expect((await stranger.deleteWebhook(webhook.id).expect(404)).body.code).toBe('webhook_not_found');
    expect(stack.sandbox.webhooks.all()).toHaveLength(1);

    await api.deleteWebhook(webhook.id).expect(204);
    expect(stack.sandbox.webhooks.all()).toHaveLength(0);
    expect((await api.listWebhooks().expect(200)).body.webhooks).toEqual([]);
    expect((await api.deleteWebhook(webhook.id).expect(404)).body.code).toBe('webhook_not_found');
    expect((await api.deleteWebhook(encodeURIComponent('../x')).expect(404)).body.code).toBe('webhook_not_found');
  });

  it("answers webhook_limit_reached when Airtable's own limit refuses: other apps filled the base", async () => {
    const { stack, api } = await setUp();
    for (let i = 0; i < 10; i++) stack.sandbox.webhooks.create(CRM, `another-app-${i % 5}`, { notificationUrl: null, specification: { options: { filters: { dataTypes: ['tableData'] } } } });
    const res = await api.createWebhook().expect(409);
    expect(res.body.code).toBe('webhook_limit_reached');
    expect((await api.listWebhooks().expect(200)).body.webhooks).toEqual([]);
  });

  it('forgets a webhook that Airtable no longer lets this connection delete', async () => {
    const { stack, api } = await setUp();
    const webhook = (await api.createWebhook().expect(201)).body;
    const route = `DELETE /v0/bases/${CRM}/webhooks/${webhook.airtableWebhookId}`;
    stack.sandbox.recorder.fault(route, { status: 403, body: JSON.stringify({ error: { type: 'INVALID_PERMISSIONS', message: 'no' } }), times: 1 });
    await api.deleteWebhook(webhook.id).expect(204);
    expect(stack.sandbox.recorder.count(route)).toBe(1);
    expect((await api.listWebhooks().expect(200)).body.webhooks).toEqual([]);
    // It no longer counts here, but still does at Airtable, whose refusal reads as the same limit.
    await api.createWebhook().expect(201);
    expect((await api.createWebhook().expect(409)).body.code).toBe('webhook_limit_reached');
  });

  it("deletes a deleted connection's webhooks at Airtable soon after, and tells the app only connection.deleted", async () => {
    const { stack, connectionId, api } = await setUp();
    const first = (await api.createWebhook().expect(201)).body;
    await api.createWebhook().expect(201);
    const route = `DELETE /v0/bases/${CRM}/webhooks/${first.airtableWebhookId}`;
    // Airtable fails the first try: the delete is tried again until it answers.
    stack.sandbox.recorder.fault(route, { status: 503, body: '{}', times: 1 });
    const { secret } = await stack.app.get(ApiKeyStore).create('deleter', ['connections:write']);
    await request(stack.origin).delete(`/api/connections/${connectionId}`).set('Authorization', `Bearer ${secret}`).expect(204);
    const deadline = Date.now() + 30_000;
    while (stack.sandbox.webhooks.all().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stack.sandbox.webhooks.all()).toEqual([]);
    expect(stack.sandbox.recorder.count(route)).toBe(2);
    await receiver.waitFor((d) => d.some((delivery) => delivery.event.type === 'connection.deleted'));
    // Whatever the teardown wrote is delivered by the dispatcher's next round.
    await stack.app.get(OutboxDispatcher).runOnce();
    expect(receiver.deliveries.map((d) => d.event.type)).toEqual(['connection.created', 'connection.deleted']);
    // The same person connected again has the base's two places back.
    const again = await connected(stack);
    const reconnected = client(stack, again.key, again.connectionId);
    await reconnected.createWebhook().expect(201);
    await reconnected.createWebhook().expect(201);
  });

  it('reads a webhook whose read failed again soon after Airtable is back, long before the quiet time', async () => {
    const { stack, api } = await setUp({ WEBHOOKS_QUIET_FETCH_SECONDS: '600' });
    const webhook = (await api.createWebhook().expect(201)).body;
    const payloads = `GET /v0/bases/${CRM}/webhooks/${webhook.airtableWebhookId}/payloads`;
    stack.sandbox.recorder.fault(payloads, { status: 503, body: '{}', times: 3 });
    const record = (await api.createContact('After the outage')).body.records[0];
    await receiver.waitFor((d) => createdIds(d).includes(record.id), 15_000);
    // The ping's read and two retries failed; the next one, a backoff later and no ping since, forwarded it.
    expect(stack.sandbox.recorder.count(payloads)).toBeGreaterThanOrEqual(4);
    expect(createdIds(receiver.deliveries)).toEqual([record.id]);
  });

  it('reads a quiet webhook anyway when pings are lost', async () => {
    const { stack, api } = await setUp({ WEBHOOKS_QUIET_FETCH_SECONDS: '1' });
    await api.createWebhook().expect(201);
    stack.sandbox.webhooks.pausePings(true);
    const record = (await api.createContact('No ping')).body.records[0];
    await receiver.waitFor((d) => createdIds(d).includes(record.id));
    expect(stack.sandbox.webhooks.pings.length).toBe(0);
  });

  it('reads past a page of 50 while Airtable says there might be more, each page one event, in order', async () => {
    // Changes made in Airtable by someone else, faster than the service's own pacing would allow.
    const { stack, api } = await setUp({}, { rateLimitPerSecond: 1_000 });
    const webhook = (await api.createWebhook().expect(201)).body;
    // No read until all 55 are in: then one ping, as Airtable would send it.
    stack.sandbox.webhooks.pausePings(true);
    const token = await sandboxAccessToken(stack.sandbox);
    const ids: string[] = [];
    for (let i = 0; i < 55; i++) {
      const res = await fetch(`${stack.sandbox.url}/v0/${CRM}/Contacts`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ records: [{ fields: { Name: `Bulk ${i}` } }] }) });
      expect(res.status).toBe(200);
      ids.push(((await res.json()) as { records: Array<{ id: string }> }).records[0].id);
    }
    const ping = JSON.stringify({ base: { id: CRM }, webhook: { id: webhook.airtableWebhookId }, timestamp: new Date().toISOString() });
    const secret = Buffer.from(stack.sandbox.webhooks.all()[0].macSecretBase64, 'base64');
    await request(stack.origin).post(`/airtable-webhooks/${webhook.id}`).set('Content-Type', 'application/json').set('X-Airtable-Content-MAC', `hmac-sha256=${createHmac('sha256', secret).update(ping).digest('hex')}`).send(ping).expect(204);
    await receiver.waitFor((d) => ids.every((id) => createdIds(d).includes(id)), 10_000);
    const pages = receiver.deliveries.filter((d) => d.event.type === 'airtable.changes').map((d) => d.event.data as unknown as Changes);
    expect(pages.map((p) => [p.cursor, p.nextCursor, p.payloads.length])).toEqual([[1, 51, 50], [51, 56, 5]]);
    expect(createdIds(receiver.deliveries)).toEqual(ids);
    expect(stack.sandbox.recorder.count(`GET /v0/bases/${CRM}/webhooks/${webhook.airtableWebhookId}/payloads`)).toBe(2);
  });

  it('forwards nothing for a payload page that does not move the cursor, and reads the webhook again later', async () => {
    const { stack, api } = await setUp({ WEBHOOKS_QUIET_FETCH_SECONDS: '1' });
    const webhook = (await api.createWebhook().expect(201)).body;
    const route = `GET /v0/bases/${CRM}/webhooks/${webhook.airtableWebhookId}/payloads`;
    // Payloads, but the same cursor back: forwarding it would forward it forever.
    stack.sandbox.recorder.fault(route, { status: 200, body: JSON.stringify({ payloads: [{ timestamp: 'x' }], cursor: 1, mightHaveMore: true }), times: 2 });
    const record = (await api.createContact('Stuck cursor')).body.records[0];
    await receiver.waitFor((d) => createdIds(d).includes(record.id));
    expect(stack.sandbox.recorder.count(route)).toBeGreaterThanOrEqual(3);
    const changes = receiver.deliveries.filter((d) => d.event.type === 'airtable.changes').map((d) => d.event.data as unknown as Changes);
    expect(changes.map((c) => [c.cursor, c.nextCursor])).toEqual([[1, 2]]);
  });

  it('refreshes a webhook before it expires, so it keeps delivering', async () => {
    // Airtable's 7 days shortened to 3 s, refreshed once under 2 s remain; the service and Airtable share a clock.
    const clock = new FakeClock();
    const { stack, api } = await setUp({ WEBHOOKS_REFRESH_BEFORE_SECONDS: '2' }, { webhookTtlMs: 3_000 }, clock);
    const createdAt = clock.now();
    const webhook = (await api.createWebhook().expect(201)).body;
    const refreshRoute = `POST /v0/bases/${CRM}/webhooks/${webhook.airtableWebhookId}/refresh`;
    for (let refreshes = 1; refreshes <= 3; refreshes++) {
      clock.advance(1_100);
      await vi.waitFor(() => expect(stack.sandbox.recorder.count(refreshRoute)).toBe(refreshes), { timeout: 5_000, interval: 20 });
    }
    // Past the first 3 s by now: only the refreshes kept it alive.
    expect(clock.now() - createdAt).toBeGreaterThan(3_000);
    expect(stack.sandbox.webhooks.all()[0].enabled).toBe(true);
    const listed = (await api.listWebhooks().expect(200)).body.webhooks[0];
    expect(listed.status).toBe('active');
    expect(Date.parse(listed.expiresAt)).toBeGreaterThan(Date.parse(webhook.expiresAt));
    const record = (await api.createContact('Still here')).body.records[0];
    await receiver.waitFor((d) => createdIds(d).includes(record.id));
    expect(receiver.deliveries.some((d) => d.event.type === 'webhook.expired')).toBe(false);
  }, 30_000);

  it.each([
    ['refused', 'Airtable refuses its refresh (it was disabled there)'],
    ['not_refreshed', 'it could not be refreshed before its time ran out'],
    ['gone', 'it was deleted at Airtable, so reading its payloads answers 404'],
  ])('reports a webhook with webhook.expired, once, when %s: %s', async (reason) => {
    // Short lifetimes on a shared clock for the refresh cases; for "gone", a long one and a quick quiet
    // read (on the database's clock) instead.
    const clock = new FakeClock();
    const { stack, api } = reason === 'gone' ? await setUp({ WEBHOOKS_QUIET_FETCH_SECONDS: '1' }) : await setUp({ WEBHOOKS_REFRESH_BEFORE_SECONDS: '1' }, { webhookTtlMs: 2_000 }, clock);
    const webhook = (await api.createWebhook().expect(201)).body;
    const refreshRoute = `POST /v0/bases/${CRM}/webhooks/${webhook.airtableWebhookId}/refresh`;
    if (reason === 'refused') stack.sandbox.webhooks.expire(webhook.airtableWebhookId);
    else if (reason === 'gone') stack.sandbox.webhooks.delete(CRM, stack.sandbox.webhooks.all()[0].clientId, webhook.airtableWebhookId);
    else stack.sandbox.recorder.fault(refreshRoute, { status: 503 });
    // Due for its refresh; a refresh that fails is tried again until the webhook's time runs out.
    clock.advance(1_100);
    if (reason === 'not_refreshed') {
      await vi.waitFor(() => expect(stack.sandbox.recorder.count(refreshRoute)).toBeGreaterThan(0), { timeout: 5_000, interval: 20 });
      clock.advance(1_000);
    }
    await receiver.waitFor((d) => d.some((delivery) => delivery.event.type === 'webhook.expired'), 10_000);
    // Once: the job's next pass, and the dispatcher's round after it, report nothing more.
    await stack.app.get(WebhookUpkeep).runOnce();
    await stack.app.get(OutboxDispatcher).runOnce();
    const expired = receiver.deliveries.filter((d) => d.event.type === 'webhook.expired');
    expect(expired).toHaveLength(1);
    expect(expired[0].event.data).toEqual(expect.objectContaining({ id: webhook.id, status: 'expired', reason, baseId: CRM }));
    expect((await api.listWebhooks().expect(200)).body.webhooks[0].status).toBe('expired');
  });

  it('two instances deliver each change once', async () => {
    // One database and one Redis (the base's pacing) for both, as a fleet runs.
    const fleet = { DATABASE_PATH: tempDatabase(), REDIS_URL, REDIS_KEY_PREFIX: testPrefix(), WEBHOOKS_QUIET_FETCH_SECONDS: '1' };
    const { stack, api } = await setUp(fleet);
    // The second instance reads the same webhooks on its own schedule; pings reach the first.
    await start({ env: { ...FAST, EVENTS_URL: receiver.url, ...fleet }, sandboxInstance: stack.sandbox });
    await api.createWebhook().expect(201);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await api.createContact(`Fleet ${i}`)).body.records[0].id);
    await receiver.waitFor((d) => ids.every((id) => createdIds(d).includes(id)), 20_000);
    // Real time: a second delivery would come after a read lease on the database's clock runs out.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const seen = createdIds(receiver.deliveries);
    for (const id of ids) expect(seen.filter((s) => s === id)).toHaveLength(1);
    await deleteKeys(fleet.REDIS_KEY_PREFIX);
  }, 40_000);
});

describe('A ping taken by an instance killed with SIGKILL before it forwarded anything', () => {
  let running: RunningService | undefined;
  let receiver: EventReceiver | undefined;
  afterAll(async () => {
    await running?.stop();
    await receiver?.close();
  });

  it('is read and forwarded after the restart, once', async () => {
    const path = tempDatabase();
    const key = cli(path, 'api-keys', 'create', '--name', 'kill test', '--scopes', 'connections:read,data:read,data:write').trim().split('\n').at(-1)!;
    receiver = await new EventReceiver().listen();
    running = await startServiceProcess({ env: { ...FAST, EVENTS_URL: receiver.url, DATABASE_PATH: path, WEBHOOKS_FETCH_LEASE_SECONDS: '1' }, sandbox: SANDBOX });
    expect((await new TestBrowser(running).signIn()).status).toBe(303);
    const auth = { Authorization: `Bearer ${key}` };
    const connectionId = (await request(running.origin).get('/api/connections').set(auth).expect(200)).body.connections[0].id;
    const webhook = (await request(running.origin).post(`/api/connections/${connectionId}/bases/${CRM}/webhooks`).set(auth).send({ specification: SPEC }).expect(201)).body;
    const payloadsRoute = `GET /v0/bases/${CRM}/webhooks/${webhook.airtableWebhookId}/payloads`;
    // Airtable holds the read: the instance has taken the ping and dies before anything is forwarded.
    running.sandbox.recorder.fault(payloadsRoute, { delayMs: 60_000 });
    const record = (
      await request(running.origin).post(`/api/connections/${connectionId}/bases/${CRM}/tables/Contacts/records`).set(auth).send({ records: [{ fields: { Name: 'Survivor' } }] }).expect(200)
    ).body.records[0];
    await receiver.waitFor(() => running!.sandbox.recorder.count(payloadsRoute) >= 1);
    expect(running.sandbox.webhooks.pings.some((p) => p.status === 204)).toBe(true);
    await running.service.kill();
    expect(createdIds(receiver.deliveries)).toEqual([]);

    running.sandbox.recorder.clearFaults();
    await running.service.start(running.origin);
    await receiver.waitFor((d) => createdIds(d).includes(record.id), 15_000);
    // Real time: the restarted process is on its own clock; a second forward would come within its lease.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(createdIds(receiver.deliveries)).toEqual([record.id]);
  }, 60_000);
});
