import { TestBrowser } from './support/browser';
import { maxInWindow } from './support/airtable-limits';
import { LoadBalancer } from '../src/dev/load-balancer';
import { deleteKeys, PrivateRedis, REDIS_URL, redisClient, testPrefix } from './support/redis';
import { createTestDatabase, PrivatePostgres } from './support/postgres';
import { startServiceProcess } from './support/service-process';
import { FakeClock } from './support/fake-clock';
import { freePort, type Stack, startStack } from './support/stack';
import { type AirtableSandbox, ALL_SCOPES, SANDBOX_CLIENT_ID, startSandbox } from 'airtable-sandbox';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CRM = 'appSandboxCRM0001';

/** Two instances sharing one PostgreSQL database and one Redis behind a load balancer, and one sandbox playing Airtable. */
interface Fleet {
  lb: LoadBalancer;
  sandbox: AirtableSandbox;
  instances: Stack[];
  prefix: string;
  close(): Promise<void>;
}

async function startFleet(env: Record<string, string> = {}, sandboxOptions = {}, clock?: FakeClock): Promise<Fleet> {
  const lbPort = await freePort();
  const publicOrigin = `http://127.0.0.1:${lbPort}`;
  const sandbox = await startSandbox({
    port: 0,
    clients: [{ clientId: SANDBOX_CLIENT_ID, redirectUris: [`${publicOrigin}/airtable-oauth`], scopes: ALL_SCOPES }],
    clock,
    ...sandboxOptions,
  });
  const prefix = testPrefix();
  const database = await createTestDatabase();
  const shared = { DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, AIRTABLE_REDIRECT_URI: `${publicOrigin}/airtable-oauth`, ...env };
  const instances = [
    await startStack({ sandboxInstance: sandbox, clock, env: shared }),
    await startStack({ sandboxInstance: sandbox, clock, env: shared }),
  ];
  const lb = new LoadBalancer(instances.map((i) => i.origin));
  await lb.listen(lbPort);
  return {
    lb,
    sandbox,
    instances,
    prefix,
    async close() {
      await lb.close();
      await Promise.all(instances.map((i) => i.close()));
      await sandbox.stop();
      await deleteKeys(prefix);
      await database.drop();
    },
  };
}

const browserFor = (fleet: Fleet) => new TestBrowser({ origin: fleet.lb.origin, sandbox: fleet.sandbox });
const refreshes = (sandbox: AirtableSandbox) => sandbox.recorder.tokenRequests.filter((r) => r.grantType === 'refresh_token');

describe('A fleet (two instances, one PostgreSQL, one Redis)', () => {
  let fleet: Fleet;
  afterEach(async () => {
    await fleet?.close();
  });

  it('completes a login started on instance A with its callback on instance B', async () => {
    fleet = await startFleet();
    fleet.lb.route = (req) => (req.url?.startsWith('/airtable-oauth') ? 1 : 0);
    const browser = browserFor(fleet);
    expect((await browser.signIn()).status).toBe(303);
    fleet.lb.route = () => 1;
    expect((await browser.agent.get('/me').expect(200)).body.id).toBe(fleet.sandbox.user.id);
    fleet.lb.route = () => 0;
    await browser.agent.get('/me').expect(200);
  });

  it('lets exactly one of the same callback replayed on A and B at once through', async () => {
    fleet = await startFleet();
    const browser = browserFor(fleet);
    const callback = await browser.consent(await browser.startLogin());
    const results = await Promise.all(Array.from({ length: 6 }, () => browser.callback(callback)));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(results.filter((r) => r.body.code === 'invalid_state')).toHaveLength(5);
    expect(fleet.sandbox.recorder.tokenRequests.filter((r) => r.grantType === 'authorization_code')).toHaveLength(1);
  });

  it('refreshes an expired token exactly once for 50 concurrent calls spread over both instances', async () => {
    const clock = new FakeClock();
    fleet = await startFleet({ TOKEN_REFRESH_MARGIN_SECONDS: '0' }, { accessTokenTtlMs: 1_000 }, clock);
    const browser = browserFor(fleet);
    await browser.signIn();
    clock.advance(1_100);
    const results = await Promise.all(Array.from({ length: 50 }, () => browser.agent.get('/me')));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(refreshes(fleet.sandbox)).toEqual([expect.objectContaining({ status: 200 })]);
  });

  it('coalesces one base’s schema across instances and keeps the per-base rate for the whole fleet', async () => {
    fleet = await startFleet();
    const browsers = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const b = browserFor(fleet);
        await b.signIn();
        return b;
      }),
    );
    const same = await Promise.all(Array.from({ length: 40 }, () => browsers[0].agent.get(`/bases/${CRM}/tables`)));
    expect(same.every((r) => r.status === 200)).toBe(true);
    const route = `GET /v0/meta/bases/${CRM}/tables`;
    expect(fleet.sandbox.recorder.count(route)).toBe(1);

    // Eleven other connections: no sharing possible, every call reaches Airtable, paced fleet-wide.
    const others = await Promise.all(browsers.slice(1).map((b) => b.agent.get(`/bases/${CRM}/tables`)));
    expect(others.map((r) => r.status)).toEqual(others.map(() => 200));
    const arrivals = fleet.sandbox.recorder.arrivals.get(route)!;
    expect(arrivals).toHaveLength(12);
    expect(maxInWindow(arrivals)).toBeLessThanOrEqual(5);
  });

  it('keeps serving every session when one instance stops mid-load', async () => {
    fleet = await startFleet();
    const browsers = [browserFor(fleet), browserFor(fleet), browserFor(fleet)];
    for (const b of browsers) await b.signIn();
    const statuses: number[] = [];
    for (let round = 0; round < 20; round++) {
      if (round === 8) await fleet.instances[0].app.close(); // instance A goes away
      const results = await Promise.all(browsers.map((b) => b.agent.get('/me')));
      statuses.push(...results.map((r) => r.status));
    }
    expect(fleet.lb.down.has(0)).toBe(true);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('keeps only ephemeral state in Redis, every key under the prefix and with a TTL', async () => {
    fleet = await startFleet();
    const browser = browserFor(fleet);
    await browser.startLogin(); // a pending login left behind
    await browser.signIn();
    await browser.agent.get(`/bases/${CRM}/tables`).expect(200);
    await browser.agent.get('/bases').expect(200);
    const client = await redisClient();
    const keys = await client.keys(`${fleet.prefix}*`);
    const kinds = new Set(keys.map((k) => k.slice(fleet.prefix.length).split(':')[0]));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['pace', 'pending', 'schema']));
    // Connections and sessions live in PostgreSQL, never in Redis.
    expect(keys.filter((k) => /connection|session|keepalive|token/.test(k))).toEqual([]);
    for (const key of keys) expect(await client.pTTL(key)).toBeGreaterThan(0);
    await client.close();
  });
});

describe('A fleet when Redis fails', () => {
  let redis: PrivateRedis;
  let drop: () => Promise<void>;
  let stack: Stack;
  let browser: TestBrowser;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    const database = await createTestDatabase();
    drop = database.drop;
    stack = await startStack({ env: { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_TIMEOUT_MS: '300' } });
    browser = new TestBrowser(stack);
    expect((await browser.signIn()).status).toBe(303);
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
    await drop?.();
  });

  it('refuses new logins quickly while Redis is slow, and keeps serving signed-in users', async () => {
    const admin = await redisClient(redis.url);
    await admin.sendCommand(['CLIENT', 'PAUSE', '1500', 'ALL']);
    const started = Date.now();
    const login = await new TestBrowser(stack).agent.get('/auth/login').set('Accept', 'application/json');
    expect(login.status).toBe(503);
    expect(login.body.code).toBe('store_unavailable');
    expect(Date.now() - started).toBeLessThan(1_000);
    await browser.agent.get('/me').expect(200);
    // Redis answers again once its pause ends, and logins start again.
    await vi.waitFor(async () => expect((await new TestBrowser(stack).agent.get('/auth/login')).status).toBe(302), { timeout: 5_000, interval: 100 });
    await admin.close();
  });

  it('keeps users signed in across a Redis restart that lost everything; only logins in progress start again', async () => {
    const inProgress = new TestBrowser(stack);
    const callback = await inProgress.consent(await inProgress.startLogin());
    await redis.stop();
    const started = Date.now();
    const login = await new TestBrowser(stack).agent.get('/auth/login').set('Accept', 'application/json');
    expect(login.status).toBe(503);
    expect(login.body.code).toBe('store_unavailable');
    expect(login.headers.location).toBeUndefined();
    expect((await browser.agent.get('/health/ready')).status).toBe(503);
    await browser.agent.get('/health').expect(200);
    await browser.agent.get('/me').expect(200); // the session and its tokens are in PostgreSQL
    expect(Date.now() - started).toBeLessThan(3_000);

    await redis.start(); // empty: no persistence
    const deadline = Date.now() + 10_000;
    while ((await browser.agent.get('/health/ready')).status !== 200 && Date.now() < deadline) await sleep(200);
    await browser.agent.get('/me').expect(200);
    await browser.agent.get(`/bases/${CRM}/tables`).expect(200);
    const lost = await inProgress.callback(callback);
    expect(lost.status).toBe(400);
    expect(lost.body.code).toBe('invalid_state');
    expect((await inProgress.signIn()).status).toBe(303);
  });
});

describe('A fleet when PostgreSQL fails', () => {
  let postgres: PrivatePostgres;
  let stack: Stack;

  beforeAll(async () => {
    postgres = new PrivatePostgres(await freePort());
    await postgres.init();
    stack = await startStack({ env: { DATABASE_URL: postgres.url, DATABASE_TIMEOUT_MS: '500', REDIS_URL, REDIS_KEY_PREFIX: testPrefix() } });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await postgres?.remove();
  });

  it('answers 503 store_unavailable within its timeout while PostgreSQL is stopped, and recovers by itself', async () => {
    const browser = new TestBrowser(stack);
    expect((await browser.signIn()).status).toBe(303);
    await postgres.stop();
    const started = Date.now();
    const me = await browser.agent.get('/me');
    expect(me.status).toBe(503);
    expect(me.body.code).toBe('store_unavailable');
    expect((await browser.agent.get('/health/ready')).status).toBe(503);
    const callback = await new TestBrowser(stack).signIn();
    expect(callback.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3_000);

    await postgres.start();
    const deadline = Date.now() + 15_000;
    while ((await browser.agent.get('/health/ready')).status !== 200 && Date.now() < deadline) await sleep(200);
    await browser.agent.get('/me').expect(200); // the same session, kept through the stop
  }, 30_000);
});

describe('A fleet instance killed with SIGKILL in the middle of a refresh', () => {
  it('leaves the connection usable: the user stays connected after the restart', async () => {
    const database = await createTestDatabase();
    const prefix = testPrefix();
    // Short Airtable timeouts keep the lock the killed instance held (twice timeout + wait, in Redis) short;
    // the timeout still outlasts the refresh held a second at Airtable.
    const env = { DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, TOKEN_REFRESH_MARGIN_SECONDS: '0', AIRTABLE_TIMEOUT_MS: '2000', AIRTABLE_RATE_LIMIT_MAX_WAIT_MS: '500' };
    const running = await startServiceProcess({ sandbox: { accessTokenTtlMs: 1_000 }, env });
    try {
      const browser = new TestBrowser({ origin: running.origin, sandbox: running.sandbox });
      expect((await browser.signIn()).status).toBe(303);
      // Real time: the instance is a process of its own, on its own clock.
      await sleep(1_100);
      running.sandbox.recorder.fault('POST /oauth2/v1/token', { delayMs: 1_000, times: 1 });
      const tokenCalls = running.sandbox.recorder.count('POST /oauth2/v1/token');
      const inFlight = browser.agent.get('/me').then(
        (r) => r.status,
        () => 'cut off',
      );
      // Killed while the refresh is at Airtable (held there for a second).
      await vi.waitFor(() => expect(running.sandbox.recorder.count('POST /oauth2/v1/token')).toBe(tokenCalls + 1), { interval: 5 });
      await running.service.kill();
      expect(await inFlight).toBe('cut off');
      await running.service.start(running.origin);
      await browser.agent.get('/me').expect(200);
      await browser.agent.get('/me').expect(200);
      expect(refreshes(running.sandbox).map((r) => r.status)).toEqual([200]);
    } finally {
      await running.stop();
      await deleteKeys(prefix);
      await database.drop();
    }
  }, 60_000);
});
