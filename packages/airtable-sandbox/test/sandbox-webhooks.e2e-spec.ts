import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AirtableSandbox, startSandbox } from '../src/sandbox.server';
import { ALL_SCOPES, type SandboxOptions } from '../src/sandbox.options';
import { sandboxAccessToken } from '../src/sandbox-access-token';
import { TestClock } from './support/test-clock';

const REDIRECT = 'http://localhost:4000/airtable-oauth';
const APP = 'hooks-app';
const OTHER_APP = 'other-hooks-app';
const CLIENTS = [APP, OTHER_APP].map((clientId) => ({ clientId, redirectUris: [REDIRECT], scopes: ALL_SCOPES }));
const CRM = 'appSandboxCRM0001';
const PM = 'appSandboxPM00001';
const HR = 'appSandboxHR00001';
const HOOK_SCOPES = ['data.records:read', 'data.records:write', 'schema.bases:read', 'webhook:manage'];
const WEBHOOK_ID = /^ach[A-Za-z0-9]{14}$/;
const TABLE_DATA = { options: { filters: { dataTypes: ['tableData'] } } };

interface Answer {
  status: number;
  /** Parsed JSON, as loosely typed as supertest's `res.body`: each test reads the shape it expects. */
  body: any;
}

/** A Web API call over real HTTP; `body` is sent as JSON unless it is already a string. */
async function call(sandbox: AirtableSandbox, token: string | undefined, method: string, path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const sent = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${sandbox.url}/v0/${path}`, { method, headers, body: sent });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const errorType = (answer: Answer) => answer.body?.error?.type ?? answer.body?.error;

/** Polls until `condition` holds, rather than sleeping for a guessed time. */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Ping {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A local notification URL: records every ping raw, answers with the scripted statuses, then 204. */
async function pingReceiver(statuses: number[] = []) {
  const pings: Ping[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      pings.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/airtable-ping`,
    pings,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Airtable sandbox: webhooks', () => {
  let sandbox: AirtableSandbox;
  let token: string;
  let otherToken: string;
  let contacts: string;
  let companies: string;
  const api = (method: string, path: string, body?: unknown) => call(sandbox, token, method, path, body);
  const create = (body: unknown, as = token) => call(sandbox, as, 'POST', `bases/${CRM}/webhooks`, body);
  const payloads = (id: string, query = '') => api('GET', `bases/${CRM}/webhooks/${id}/payloads${query ? `?${query}` : ''}`);
  const listed = async (id: string) => (await api('GET', `bases/${CRM}/webhooks`)).body.webhooks.find((w: { id: string }) => w.id === id);

  async function start(options: Partial<SandboxOptions> = {}): Promise<AirtableSandbox> {
    return startSandbox({
      port: 0, clients: CLIENTS, rateLimitPerSecond: 100_000, tableSizes: { Contacts: 20 },
      pingRetryDelaysMs: [20, 20, 20], pingTimeoutMs: 2_000, ...options,
    });
  }

  const clock = new TestClock();

  beforeAll(async () => {
    sandbox = await start({ clock });
    token = await sandboxAccessToken(sandbox, { clientId: APP, scopes: HOOK_SCOPES });
    otherToken = await sandboxAccessToken(sandbox, { clientId: OTHER_APP, scopes: HOOK_SCOPES });
    [contacts, companies] = sandbox.bases.find((b) => b.id === CRM)!.tables.map((t) => t.id);
  });
  afterAll(() => sandbox.stop());
  afterEach(async () => {
    sandbox.webhooks.pausePings(false);
    for (const hook of sandbox.webhooks.all()) {
      const answer = await call(sandbox, hook.clientId === APP ? token : otherToken, 'DELETE', `bases/${hook.baseId}/webhooks/${hook.id}`);
      expect(answer.status).toBe(200);
    }
  });

  describe('managing webhooks', () => {
    it('creates, lists only to its own integration, and deletes', async () => {
      const created = await create({ notificationUrl: 'https://hooks.example.com/airtable', specification: TABLE_DATA });
      expect(created.status).toBe(200);
      expect(created.body).toEqual({
        id: expect.stringMatching(WEBHOOK_ID), macSecretBase64: expect.any(String), expirationTime: expect.any(String),
      });
      expect(Buffer.from(created.body.macSecretBase64, 'base64')).toHaveLength(32);
      const days = (Date.parse(created.body.expirationTime) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.99);
      expect(days).toBeLessThanOrEqual(7);

      const list = await api('GET', `bases/${CRM}/webhooks`);
      expect(list).toEqual({
        status: 200,
        body: {
          webhooks: [
            {
              id: created.body.id,
              specification: TABLE_DATA,
              notificationUrl: 'https://hooks.example.com/airtable',
              cursorForNextPayload: 1,
              areNotificationsEnabled: true,
              lastNotificationResult: null,
              expirationTime: created.body.expirationTime,
              isHookEnabled: true,
              lastSuccessfulNotificationTime: null,
            },
          ],
        },
      });
      expect(JSON.stringify(list.body)).not.toContain(created.body.macSecretBase64);
      expect((await call(sandbox, otherToken, 'GET', `bases/${CRM}/webhooks`)).body).toEqual({ webhooks: [] });
      expect(sandbox.webhooks.all()).toEqual([
        expect.objectContaining({
          id: created.body.id, baseId: CRM, clientId: APP, enabled: true, payloadCount: 0, expirationTime: created.body.expirationTime,
        }),
      ]);

      const foreign = await call(sandbox, otherToken, 'DELETE', `bases/${CRM}/webhooks/${created.body.id}`);
      expect(foreign).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
      expect(await api('DELETE', `bases/${CRM}/webhooks/${created.body.id}`)).toEqual({ status: 200, body: {} });
      expect((await api('GET', `bases/${CRM}/webhooks`)).body).toEqual({ webhooks: [] });
      expect((await api('DELETE', `bases/${CRM}/webhooks/${created.body.id}`)).status).toBe(404);
      expect((await api('DELETE', `bases/${CRM}/webhooks/achNoSuchHook0000`)).status).toBe(404);
    });

    it('refreshes an enabled webhook to a later expiry', async () => {
      const created = await create({ specification: TABLE_DATA });
      const before = Date.parse(created.body.expirationTime);
      clock.advance(5);
      const refreshed = await api('POST', `bases/${CRM}/webhooks/${created.body.id}/refresh`);
      expect(refreshed.status).toBe(200);
      expect(Object.keys(refreshed.body)).toEqual(['expirationTime']);
      expect(Date.parse(refreshed.body.expirationTime)).toBeGreaterThan(before);
      expect((await listed(created.body.id)).expirationTime).toBe(refreshed.body.expirationTime);
      expect((await api('POST', `bases/${CRM}/webhooks/${created.body.id}/refresh`, {})).status).toBe(200);
      expect(errorType(await api('POST', `bases/${CRM}/webhooks/${created.body.id}/refresh`, { days: 7 }))).toBe('INVALID_REQUEST_UNKNOWN');
      expect((await call(sandbox, otherToken, 'POST', `bases/${CRM}/webhooks/${created.body.id}/refresh`)).status).toBe(404);
    });

    it('extends the expiry when payloads are listed', async () => {
      const created = await create({ specification: TABLE_DATA });
      const before = Date.parse(created.body.expirationTime);
      clock.advance(5);
      expect((await payloads(created.body.id)).status).toBe(200);
      expect(Date.parse((await listed(created.body.id)).expirationTime)).toBeGreaterThan(before);
    });

    it('makes the checks in order: token, then scope, then base, then creator permission', async () => {
      const noHookScope = await sandboxAccessToken(sandbox, { clientId: APP, scopes: ['data.records:read', 'schema.bases:read'] });
      const crmOnly = await sandboxAccessToken(sandbox, { clientId: APP, scopes: HOOK_SCOPES, baseIds: [CRM] });
      expect(await call(sandbox, undefined, 'GET', `bases/${CRM}/webhooks`)).toEqual({ status: 401, body: { error: { type: 'AUTHENTICATION_REQUIRED', message: expect.any(String) } } });
      expect(errorType(await call(sandbox, 'not-a-token', 'POST', `bases/${CRM}/webhooks`, { specification: TABLE_DATA }))).toBe('AUTHENTICATION_REQUIRED');
      const scope = await call(sandbox, noHookScope, 'GET', `bases/${CRM}/webhooks`);
      expect([scope.status, errorType(scope)]).toEqual([403, 'INVALID_PERMISSIONS']);
      expect(errorType(await create({ specification: TABLE_DATA }, noHookScope))).toBe('INVALID_PERMISSIONS');
      const notGranted = await call(sandbox, crmOnly, 'POST', `bases/${PM}/webhooks`, { specification: TABLE_DATA });
      expect([notGranted.status, errorType(notGranted)]).toEqual([403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND']);
      // Product Roadmap is only editable for the sandbox's user, Hiring only readable: creating needs the creator level.
      for (const baseId of [PM, HR]) {
        const refused = await call(sandbox, token, 'POST', `bases/${baseId}/webhooks`, { specification: TABLE_DATA });
        expect([refused.status, errorType(refused)]).toEqual([403, 'INVALID_PERMISSIONS']);
        expect((await call(sandbox, token, 'GET', `bases/${baseId}/webhooks`)).body).toEqual({ webhooks: [] });
      }
      expect(sandbox.webhooks.all()).toEqual([]);
    });

    it('needs the read scope of what the webhook watches', async () => {
      const noDataRead = await sandboxAccessToken(sandbox, { clientId: APP, scopes: ['webhook:manage', 'schema.bases:read'] });
      const noSchemaRead = await sandboxAccessToken(sandbox, { clientId: APP, scopes: ['webhook:manage', 'data.records:read'] });
      const watching = (dataTypes: string[]) => ({ specification: { options: { filters: { dataTypes } } } });
      expect(errorType(await create(watching(['tableData']), noDataRead))).toBe('INVALID_PERMISSIONS');
      expect(errorType(await create(watching(['tableFields']), noSchemaRead))).toBe('INVALID_PERMISSIONS');
      expect(errorType(await create(watching(['tableData', 'tableMetadata']), noSchemaRead))).toBe('INVALID_PERMISSIONS');
      expect(sandbox.webhooks.all()).toEqual([]);
      expect((await create(watching(['tableFields', 'tableMetadata']), noDataRead)).status).toBe(200);
      expect((await create(watching(['tableData']), noSchemaRead)).status).toBe(200);
    });

    it('refuses a third webhook of one integration in a base, creating nothing; another integration still may', async () => {
      expect((await create({ specification: TABLE_DATA })).status).toBe(200);
      expect((await create({ specification: TABLE_DATA })).status).toBe(200);
      const third = await create({ specification: TABLE_DATA });
      expect([third.status, errorType(third)]).toEqual([422, 'TOO_MANY_WEBHOOKS_BY_OAUTH_INTEGRATION_IN_BASE']);
      expect(sandbox.webhooks.all()).toHaveLength(2);
      expect((await create({ specification: TABLE_DATA }, otherToken)).status).toBe(200);
      expect((await api('GET', `bases/${CRM}/webhooks`)).body.webhooks).toHaveLength(2);
    });

    it.each([
      ['malformed JSON', '{"specification":', 400, 'INVALID_REQUEST_UNKNOWN'],
      ['no specification', {}, 422, 'INVALID_WEBHOOK_SPECIFICATION'],
      ['an unknown key', { specification: TABLE_DATA, cursor: 1 }, 422, 'INVALID_REQUEST_UNKNOWN'],
      ['no dataTypes', { specification: { options: { filters: {} } } }, 422, 'INVALID_WEBHOOK_SPECIFICATION'],
      ['an unknown data type', { specification: { options: { filters: { dataTypes: ['records'] } } } }, 422, 'INVALID_WEBHOOK_SPECIFICATION'],
      ['an unknown filter', { specification: { options: { filters: { dataTypes: ['tableData'], view: 'x' } } } }, 422, 'INVALID_WEBHOOK_SPECIFICATION'],
      ['a table of another base', { specification: { options: { filters: { dataTypes: ['tableData'], recordChangeScope: 'tblNope0000000000' } } } }, 422, 'INVALID_WEBHOOK_SPECIFICATION'],
      ['an unknown source', { specification: { options: { filters: { dataTypes: ['tableData'], fromSources: ['web'] } } } }, 422, 'INVALID_WEBHOOK_SPECIFICATION'],
      ['a bad include', { specification: { options: { filters: { dataTypes: ['tableData'] }, includes: { includePreviousCellValues: 1 } } } }, 422, 'INVALID_WEBHOOK_SPECIFICATION'],
      ['an http URL to another host', { notificationUrl: 'http://example.com/hook', specification: TABLE_DATA }, 422, 'INVALID_NOTIFICATION_URL'],
      ['a relative URL', { notificationUrl: '/hook', specification: TABLE_DATA }, 422, 'INVALID_NOTIFICATION_URL'],
    ])('refuses %s and creates nothing', async (_case, body, status, type) => {
      const refused = await create(body);
      expect([refused.status, errorType(refused)]).toEqual([status, type]);
      expect(refused.body.error.message).toEqual(expect.any(String));
      expect(sandbox.webhooks.all()).toEqual([]);
    });

    it('shares the base rate limit with the records API', async () => {
      const limited = await start({ rateLimitPerSecond: 2, rateLimitLockoutMs: 60_000 });
      try {
        const limitedToken = await sandboxAccessToken(limited, { clientId: APP, scopes: HOOK_SCOPES });
        const lockedOut = await sandboxAccessToken(limited, { clientId: APP, scopes: ['data.records:read'] });
        expect((await call(limited, limitedToken, 'GET', `${CRM}/${contacts}?pageSize=1`)).status).toBe(200);
        expect((await call(limited, limitedToken, 'GET', `bases/${CRM}/webhooks`)).status).toBe(200);
        const over = await call(limited, limitedToken, 'GET', `bases/${CRM}/webhooks`);
        expect([over.status, errorType(over)]).toEqual([429, 'RATE_LIMIT_REACHED']);
        // The limit comes before the scope check, as on every route.
        expect((await call(limited, lockedOut, 'GET', `bases/${CRM}/webhooks`)).status).toBe(429);
        expect((await call(limited, limitedToken, 'GET', `bases/${PM}/webhooks`)).status).toBe(200);
      } finally {
        await limited.stop();
      }
    });

    it('answers 404 for other paths under /v0/bases, and keeps per-route counts and faults', async () => {
      expect(await api('GET', `bases/${CRM}/hooks`)).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
      expect((await api('PUT', `bases/${CRM}/webhooks`)).status).toBe(404);
      const route = `GET /v0/bases/${CRM}/webhooks`;
      const seen = sandbox.recorder.count(route);
      sandbox.recorder.fault(route, { status: 503, body: '{"error":"down"}', times: 1 });
      expect((await api('GET', `bases/${CRM}/webhooks`)).status).toBe(503);
      expect((await api('GET', `bases/${CRM}/webhooks`)).status).toBe(200);
      expect(sandbox.recorder.count(route)).toBe(seen + 2);
    });
  });

  describe('payloads', () => {
    const write = (method: string, path: string, body?: unknown) => api(method, `${CRM}/${path}`, body);
    const fieldId = (tableId: string, name: string) => sandbox.bases[0].tables.find((t) => t.id === tableId)!.fields.find((f) => f.name === name)!.id;

    it('turns each record write into one payload, read by cursor with limit and mightHaveMore', async () => {
      const hook = (await create({ specification: { options: { filters: { dataTypes: ['tableData'] }, includes: { includePreviousCellValues: true } } } })).body;
      const NAME = fieldId(contacts, 'Name');
      const created = await write('POST', contacts, { records: [{ fields: { Name: 'Ann' } }, { fields: { Name: 'Bob', Score: 3 } }] });
      expect(created.status).toBe(200);
      const [ann, bob] = created.body.records;
      expect((await write('PATCH', contacts, { records: [{ id: ann.id, fields: { Name: 'Anne' } }] })).status).toBe(200);
      // A PATCH that changes nothing, and a refused write, make no payload.
      expect((await write('PATCH', `${contacts}/${bob.id}`, { fields: { Name: 'Bob' } })).status).toBe(200);
      expect((await write('PATCH', contacts, { records: [{ id: ann.id, fields: { Nope: 1 } }] })).status).toBe(422);
      expect((await write('DELETE', `${contacts}?records[]=${bob.id}`)).status).toBe(200);

      const first = await payloads(hook.id, 'limit=2');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ cursor: 3, mightHaveMore: true });
      expect(first.body.payloads).toHaveLength(2);
      const [add, update] = first.body.payloads;
      expect(add).toEqual({
        timestamp: expect.any(String),
        baseTransactionNumber: expect.any(Number),
        actionMetadata: { source: 'publicApi', sourceMetadata: { user: { id: sandbox.user.id, email: sandbox.user.email, permissionLevel: 'create' } } },
        payloadFormat: 'v0',
        changedTablesById: {
          [contacts]: {
            createdRecordsById: {
              [ann.id]: { createdTime: ann.createdTime, cellValuesByFieldId: { [NAME]: 'Ann' } },
              [bob.id]: { createdTime: bob.createdTime, cellValuesByFieldId: { [NAME]: 'Bob', [fieldId(contacts, 'Score')]: 3 } },
            },
          },
        },
      });
      expect(update.baseTransactionNumber).toBe(add.baseTransactionNumber + 1);
      expect(update.changedTablesById).toEqual({
        [contacts]: { changedRecordsById: { [ann.id]: { current: { cellValuesByFieldId: { [NAME]: 'Anne' } }, previous: { cellValuesByFieldId: { [NAME]: 'Ann' } } } } },
      });

      const rest = await payloads(hook.id, 'cursor=3');
      expect(rest.body).toMatchObject({ cursor: 4, mightHaveMore: false });
      expect(rest.body.payloads.map((p: { changedTablesById: object }) => p.changedTablesById))
        .toEqual([{ [contacts]: { destroyedRecordIds: [bob.id] } }]);
      expect(await payloads(hook.id, 'cursor=4&limit=50')).toEqual({ status: 200, body: { payloads: [], cursor: 4, mightHaveMore: false } });
      expect((await payloads(hook.id, 'cursor=1&limit=1')).body).toMatchObject({ cursor: 2, mightHaveMore: true });
      expect((await listed(hook.id)).cursorForNextPayload).toBe(4);
    });

    it.each([['limit=0'], ['limit=51'], ['limit=ten'], ['cursor=0'], ['cursor=-1'], ['cursor=1.5'], ['cursor=1&cursor=2'], ['limit=5&limit=5'], ['offset=1'], ['cursor=99']])(
      'refuses the payload query %s',
      async (query) => {
        const hook = (await create({ specification: TABLE_DATA })).body;
        const refused = await payloads(hook.id, query);
        expect([refused.status, errorType(refused)]).toEqual([422, 'INVALID_REQUEST_UNKNOWN']);
      },
    );

    it('reports the cascade of a delete, and only what the specification watches', async () => {
      const company = (await write('POST', companies, { fields: { Name: 'Acme' } })).body;
      const contact = (await write('POST', contacts, { fields: { Name: 'Linked', Company: [company.id] } })).body;
      const COMPANY = fieldId(contacts, 'Company');
      const all = (await create({ specification: { options: { filters: { dataTypes: ['tableData'] }, includes: { includePreviousCellValues: true } } } })).body;
      const contactUpdates = (await create({ specification: { options: { filters: { dataTypes: ['tableData'], recordChangeScope: contacts, changeTypes: ['update'] } } } })).body;
      expect((await write('DELETE', `${companies}/${company.id}`)).status).toBe(200);
      await write('POST', companies, { fields: { Name: 'Not watched by the second' } });

      const everything = (await payloads(all.id)).body.payloads;
      expect(everything).toHaveLength(2);
      expect(everything[0].changedTablesById).toEqual({
        [companies]: { destroyedRecordIds: [company.id] },
        [contacts]: {
          changedRecordsById: {
            [contact.id]: { current: { cellValuesByFieldId: { [COMPANY]: null } }, previous: { cellValuesByFieldId: { [COMPANY]: [{ id: company.id, name: 'Acme' }] } } },
          },
        },
      });
      const scoped = (await payloads(contactUpdates.id)).body.payloads;
      expect(scoped.map((p: { changedTablesById: object }) => p.changedTablesById)).toEqual([
        { [contacts]: { changedRecordsById: { [contact.id]: { current: { cellValuesByFieldId: { [COMPANY]: null } } } } } },
      ]);
      expect(scoped[0].baseTransactionNumber).toBe(everything[0].baseTransactionNumber);
    });
  });

  describe('pings', () => {
    it('pings the notification URL with a MAC over the raw body, keyed with the decoded secret', async () => {
      const receiver = await pingReceiver();
      try {
        const hook = (await create({ notificationUrl: receiver.url, specification: TABLE_DATA })).body;
        await api('POST', `${CRM}/${contacts}`, { fields: { Name: 'Pinged' } });
        await until(() => receiver.pings.length === 1, 'the ping');
        const [ping] = receiver.pings;
        expect(ping.headers['content-type']).toBe('application/json');
        const mac = createHmac('sha256', Buffer.from(hook.macSecretBase64, 'base64')).update(ping.body).digest('hex');
        expect(ping.headers['x-airtable-content-mac']).toBe(`hmac-sha256=${mac}`);
        expect(JSON.parse(ping.body.toString('utf8'))).toEqual({ base: { id: CRM }, webhook: { id: hook.id }, timestamp: expect.any(String) });
        await until(async () => (await listed(hook.id)).lastNotificationResult !== null, 'the notification result');
        const state = await listed(hook.id);
        expect(state.lastNotificationResult).toEqual({
          success: true, completionTimestamp: expect.any(String), durationMs: expect.any(Number), retryNumber: 0,
        });
        expect(state.lastSuccessfulNotificationTime).toBe(state.lastNotificationResult.completionTimestamp);
        expect((await payloads(hook.id)).body.payloads).toHaveLength(1);
      } finally {
        await receiver.close();
      }
    });

    it('retries a receiver that answered 500', async () => {
      const receiver = await pingReceiver([500]);
      try {
        const hook = (await create({ notificationUrl: receiver.url, specification: TABLE_DATA })).body;
        await api('POST', `${CRM}/${contacts}`, { fields: { Name: 'Retried' } });
        await until(() => sandbox.webhooks.pings.filter((p) => p.webhookId === hook.id).length === 2, 'the retry');
        expect(receiver.pings).toHaveLength(2);
        expect(sandbox.webhooks.pings.filter((p) => p.webhookId === hook.id).map((p) => [p.status, p.retryNumber, p.success])).toEqual([
          [500, 0, false],
          [204, 1, true],
        ]);
        await until(async () => (await listed(hook.id)).lastNotificationResult?.success === true, 'the successful result');
        expect((await listed(hook.id)).lastNotificationResult.retryNumber).toBe(1);
      } finally {
        await receiver.close();
      }
    });

    it('sends no ping while pings are paused, and the owed one on resuming', async () => {
      const receiver = await pingReceiver();
      try {
        const hook = (await create({ notificationUrl: receiver.url, specification: TABLE_DATA })).body;
        sandbox.webhooks.pausePings(true);
        await api('POST', `${CRM}/${contacts}`, { fields: { Name: 'Quiet 1' } });
        await api('POST', `${CRM}/${contacts}`, { fields: { Name: 'Quiet 2' } });
        expect((await payloads(hook.id)).body.payloads).toHaveLength(2);
        expect(receiver.pings).toHaveLength(0);
        expect(sandbox.webhooks.pings.filter((p) => p.webhookId === hook.id)).toHaveLength(0);
        sandbox.webhooks.pausePings(false);
        await until(() => receiver.pings.length === 1, 'the owed ping');
        expect((await listed(hook.id)).lastNotificationResult).not.toBeNull();
      } finally {
        await receiver.close();
      }
    });
  });

  describe('expiry', () => {
    it('disables an expired webhook: no payloads, no pings, no refresh, still listed until deleted', async () => {
      const shortClock = new TestClock();
      const short = await start({ webhookTtlMs: 400, clock: shortClock });
      const receiver = await pingReceiver();
      try {
        const shortToken = await sandboxAccessToken(short, { clientId: APP, scopes: HOOK_SCOPES });
        const hook = (await call(short, shortToken, 'POST', `bases/${CRM}/webhooks`, { notificationUrl: receiver.url, specification: TABLE_DATA })).body;
        const state = async () => (await call(short, shortToken, 'GET', `bases/${CRM}/webhooks`)).body.webhooks[0];
        shortClock.advance(400);
        expect(await state()).toMatchObject({
          id: hook.id, isHookEnabled: false, areNotificationsEnabled: false, expirationTime: hook.expirationTime,
        });
        expect((await call(short, shortToken, 'POST', `${CRM}/${contacts}`, { fields: { Name: 'Unseen' } })).status).toBe(200);
        expect((await call(short, shortToken, 'GET', `bases/${CRM}/webhooks/${hook.id}/payloads`)).body).toEqual({ payloads: [], cursor: 1, mightHaveMore: false });
        const refresh = await call(short, shortToken, 'POST', `bases/${CRM}/webhooks/${hook.id}/refresh`);
        expect([refresh.status, errorType(refresh)]).toEqual([422, 'CANNOT_REFRESH_DISABLED_WEBHOOK']);
        expect(short.webhooks.all()).toEqual([expect.objectContaining({ id: hook.id, enabled: false, payloadCount: 0 })]);
        expect(short.webhooks.pings).toHaveLength(0);
        expect(receiver.pings).toHaveLength(0);
        expect((await call(short, shortToken, 'DELETE', `bases/${CRM}/webhooks/${hook.id}`)).status).toBe(200);
      } finally {
        await receiver.close();
        await short.stop();
      }
    });

    it('expires a webhook on demand, as if its 7 days had passed', async () => {
      const hook = (await create({ specification: TABLE_DATA })).body;
      sandbox.webhooks.expire(hook.id);
      await api('POST', `${CRM}/${contacts}`, { fields: { Name: 'After expiry' } });
      expect((await listed(hook.id)).isHookEnabled).toBe(false);
      expect((await payloads(hook.id)).body.payloads).toEqual([]);
      expect((await api('POST', `bases/${CRM}/webhooks/${hook.id}/refresh`)).status).toBe(422);
    });
  });
});
