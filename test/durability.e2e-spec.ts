import type { Kysely } from 'kysely';
import request from 'supertest';
import { ApiKeyStore } from '../src/api-keys/api-key.store';
import { SystemClock } from '../src/common/clock';
import { FakeClock } from './support/fake-clock';
import { sandboxEnv } from './support/sandbox-env';
import { ConnectionStore } from '../src/connections/connection.store';
import { type AirtableSandbox, ALL_SCOPES, SANDBOX_CLIENT_ID, startSandbox } from 'airtable-sandbox';
import { openSqlDatabase, type SqlSchema } from '../src/storage/sql/sql-database';
import { SqlApiKeyStore } from '../src/storage/sql/sql-api-key.store';
import { SQL_DATABASE } from '../src/storage/sql/sql.providers';
import { StoragePurge } from '../src/storage/storage-purge.job';
import { TestBrowser } from './support/browser';
import { cookieValue, setCookie } from './support/cookies';
import { EventReceiver } from './support/event-receiver';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { ServiceProcess, skewedClock } from './support/service-process';
import { ENCRYPTION_KEY, freePort, SESSION_SECRET, stacksClosedAfterEach, tempDatabase } from './support/stack';

const SECRET = 'an-events-secret-of-at-least-32-characters';
const FAST = { EVENTS_SECRET: SECRET, EVENTS_POLL_MS: '50', EVENTS_RETRY_BASE_MS: '50', EVENTS_TIMEOUT_MS: '1000' };
const TOKEN_ROUTE = 'POST /oauth2/v1/token';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/**
 * Built service processes on one PostgreSQL database and one sandbox, each with extra settings (a
 * skewed clock); `started` gets each before it starts.
 */
async function fleetOfProcesses(database: TestDatabase, receiverUrl: string, extraEnvs: Record<string, string>[], started: ServiceProcess[]) {
  const ports = await Promise.all(extraEnvs.map(() => freePort()));
  const origins = ports.map((port) => `http://127.0.0.1:${port}`);
  const sandbox = await startSandbox({ port: 0, clients: [{ clientId: SANDBOX_CLIENT_ID, redirectUris: origins.map((o) => `${o}/airtable-oauth`), scopes: ALL_SCOPES }] });
  const services = extraEnvs.map(
    (extra, i) =>
      new ServiceProcess({
        ...sandboxEnv(sandbox),
        AIRTABLE_SANDBOX: 'false',
        AIRTABLE_REDIRECT_URI: `${origins[i]}/airtable-oauth`,
        PORT: String(ports[i]),
        SESSION_SECRET,
        TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
        DATABASE_URL: database.url,
        EVENTS_URL: receiverUrl,
        ...FAST,
        ...extra,
      }),
  );
  started.push(...services);
  for (const [i, service] of services.entries()) await service.start(origins[i]);
  return { sandbox, origins };
}

describe('Two instances whose clocks differ by two minutes, on one PostgreSQL', () => {
  let database: TestDatabase;
  let receiver: EventReceiver;
  let fleet: Awaited<ReturnType<typeof fleetOfProcesses>> | undefined;
  const services: ServiceProcess[] = [];

  afterAll(async () => {
    for (const service of services) await service.kill();
    await fleet?.sandbox.stop();
    await receiver?.close();
    await database?.drop();
  });

  it('deliver each event once and in per-connection order, both acting at once', async () => {
    database = await createTestDatabase();
    receiver = await new EventReceiver().listen();
    // The second instance lives two minutes in the past: by its own clock every lease the first takes
    // is far from over, and by the first's every lease it takes ran out two minutes ago.
    fleet = await fleetOfProcesses(database, receiver.url, [{}, skewedClock('-2m')], services);
    const [a, b] = fleet.origins;
    // Each answer's Date header is its instance's own clock: the second's really is two minutes behind.
    const clockOf = async (origin: string) => Date.parse((await request(origin).get('/health')).headers.date);
    expect((await clockOf(a)) - (await clockOf(b))).toBeGreaterThan(110_000);
    const site = (origin: string) => ({ origin, sandbox: fleet!.sandbox });
    // Each connection is made on one instance and deleted on the other, its two events a few ms apart.
    const logins = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const browser = new TestBrowser(site(i % 2 ? b : a));
        const res = await browser.signIn();
        expect(res.status).toBe(303);
        const sid = cookieValue(setCookie(res, 'sid'))!;
        const other = i % 2 ? a : b;
        await request(other).post('/auth/logout').set('Cookie', `sid=${sid}`).set('Origin', other).expect(303);
      }),
    );
    expect(logins).toHaveLength(10);
    await receiver.waitFor((d) => d.length >= 20, 20_000);
    // Real time: no event may come twice, and the two processes run on their own (skewed) clocks.
    await sleep(1_000);
    const byConnection = new Map<string, string[]>();
    for (const { event } of receiver.deliveries) {
      const id = event.data.id as string;
      byConnection.set(id, [...(byConnection.get(id) ?? []), event.type]);
    }
    expect(receiver.deliveries).toHaveLength(20);
    expect(new Set(receiver.deliveries.map((d) => d.event.id)).size).toBe(20);
    expect([...byConnection.values()]).toEqual(Array.from({ length: 10 }, () => ['connection.created', 'connection.deleted']));
  }, 90_000);
});

describe('A PostgreSQL fleet without Redis', () => {
  const start = stacksClosedAfterEach();
  let database: TestDatabase;
  afterAll(() => database?.drop());

  it('refreshes a connection exactly once under 40 concurrent requests on two instances', async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, TOKEN_REFRESH_MARGIN_SECONDS: '0' };
    // Both instances and the sandbox share a clock, which the test moves past the access token's second.
    const clock = new FakeClock();
    const a = await start({ env, clock, sandbox: { accessTokenTtlMs: 1_000 } });
    const b = await start({ env, clock, sandboxInstance: a.sandbox });
    const res = await new TestBrowser(a).signIn();
    const sid = cookieValue(setCookie(res, 'sid'))!;
    clock.advance(1_100);
    // Airtable answers the refresh slowly, so every request arrives while it is in flight.
    a.sandbox.recorder.fault(TOKEN_ROUTE, { delayMs: 300, times: 1 });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => request(i % 2 ? b.origin : a.origin).get('/me').set('Cookie', `sid=${sid}`)));
    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(200));
    const refreshes = a.sandbox.recorder.tokenRequests.filter((r) => r.grantType === 'refresh_token');
    expect(refreshes.map((r) => r.status)).toEqual([200]);
  });
});

describe('A login killed with SIGKILL', () => {
  let service: ServiceProcess | undefined;
  let sandbox: AirtableSandbox | undefined;
  let receiver: EventReceiver | undefined;
  afterAll(async () => {
    await service?.kill();
    await sandbox?.stop();
    await receiver?.close();
  });

  it('leaves no connection and no event, and the next login makes one of each', async () => {
    receiver = await new EventReceiver().listen();
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    sandbox = await startSandbox({ port: 0, clients: [{ clientId: SANDBOX_CLIENT_ID, redirectUris: [`${origin}/airtable-oauth`], scopes: ALL_SCOPES }] });
    const path = tempDatabase();
    service = new ServiceProcess({ ...sandboxEnv(sandbox), AIRTABLE_SANDBOX: 'false', PORT: String(port), SESSION_SECRET, TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY, DATABASE_PATH: path, EVENTS_URL: receiver.url, ...FAST });
    await service.start(origin);
    const browser = new TestBrowser({ origin, sandbox });
    const callback = await browser.consent(await browser.startLogin());
    // The code is exchanged, then Airtable is slow to say who the user is: the process dies meanwhile.
    sandbox.recorder.fault('GET /v0/meta/whoami', { delayMs: 3_000, times: 1 });
    const inFlight = browser.callback(callback).then(
      (r) => r.status,
      () => 'cut off',
    );
    while (sandbox.recorder.count('GET /v0/meta/whoami') === 0) await sleep(20);
    await service.kill();
    expect(await inFlight).toBe('cut off');
    await service.start(origin);
    const keys = new SqlApiKeyStore(openSqlDatabase({ path }), new SystemClock(), 5_000);
    const { secret } = await keys.create('reader', ['connections:read']);
    const connections = async () => (await request(origin).get('/api/connections').set('Authorization', `Bearer ${secret}`).expect(200)).body.connections;
    expect(await connections()).toEqual([]);
    await sleep(300);
    expect(receiver.deliveries).toEqual([]);
    expect((await new TestBrowser({ origin, sandbox }).signIn()).status).toBe(303);
    await receiver.waitFor((d) => d.length === 1);
    expect(await connections()).toHaveLength(1);
    await sleep(300);
    expect(receiver.deliveries.map((d) => d.event.type)).toEqual(['connection.created']);
  }, 60_000);
});

describe('Store upkeep and refusals', () => {
  const start = stacksClosedAfterEach();

  it('marks a connection reauth_required, with its event, when Airtable refuses a token it has just issued', async () => {
    const receiver = await new EventReceiver().listen();
    try {
      const stack = await start({ env: { ...FAST, EVENTS_URL: receiver.url } });
      const browser = new TestBrowser(stack);
      await browser.signIn();
      const refused = { status: 401, body: JSON.stringify({ error: { type: 'AUTHENTICATION_REQUIRED', message: 'no' } }), headers: { 'content-type': 'application/json' } };
      // The token is refused, refreshed, and the fresh one refused too.
      stack.sandbox.recorder.fault('GET /v0/meta/bases', { ...refused, times: 2 });
      const res = await browser.agent.get('/bases');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('reauth_required');
      expect(stack.sandbox.recorder.tokenRequests.filter((r) => r.grantType === 'refresh_token').map((r) => r.status)).toEqual([200]);
      await receiver.waitFor((d) => d.length === 2);
      expect(receiver.deliveries.map((d) => d.event.type)).toEqual(['connection.created', 'connection.reauth_required']);
      const [connection] = await stack.app.get(ConnectionStore).list(10);
      expect(connection.status).toBe('reauth_required');
    } finally {
      await receiver.close();
    }
  });

  it('purges delivered events past their retention, expired links, keys and sessions, and keeps the rest', async () => {
    const receiver = await new EventReceiver().listen();
    try {
      const stack = await start({ env: { ...FAST, EVENTS_URL: receiver.url, EVENTS_RETENTION_DAYS: '1' } });
      await new TestBrowser(stack).signIn();
      await new TestBrowser(stack).signIn();
      await receiver.waitFor((d) => d.length === 2);
      const db = stack.app.get<Kysely<SqlSchema>>(SQL_DATABASE);
      // One delivered event, one session and one link are past their time; their twins are not.
      const [old] = await db.selectFrom('outbox_events').select('seq').where('status', '=', 'delivered').orderBy('seq').limit(1).execute();
      await db.updateTable('outbox_events').set({ finished_at: Date.now() - 2 * 24 * 3_600_000 }).where('seq', '=', old.seq).execute();
      const [session] = await db.selectFrom('sessions').select('id_hash').limit(1).execute();
      await db.updateTable('sessions').set({ created_at: 1, last_seen_at: 1 }).where('id_hash', '=', session.id_hash).execute();
      const { secret } = await stack.app.get(ApiKeyStore).create('links', ['connections:write']);
      for (let i = 0; i < 2; i++) await request(stack.origin).post('/api/connect-sessions').set('Authorization', `Bearer ${secret}`).send({ endUserId: `user-${i}` }).expect(201);
      await db.updateTable('connect_links').set({ expires_at: 1 }).where('end_user_id', '=', 'user-0').execute();
      const deleted = await stack.app.get(StoragePurge).runOnce();
      expect(deleted).toMatchObject({ events: 1, sessions: 1, connectLinks: 1 });
      expect(await db.selectFrom('outbox_events').select('seq').execute()).toHaveLength(1);
      expect(await db.selectFrom('sessions').select('id_hash').execute()).toHaveLength(1);
      expect((await db.selectFrom('connect_links').select('end_user_id').execute()).map((l) => l.end_user_id)).toEqual(['user-1']);
    } finally {
      await receiver.close();
    }
  });
});
