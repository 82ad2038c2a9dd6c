import request from 'supertest';
import { TestBrowser } from './support/browser';
import { cookieValue, setCookie } from './support/cookies';
import { type RunningService, startServiceProcess } from './support/service-process';
import { stacksClosedAfterEach, tempDatabase } from './support/stack';

const CRM = 'appSandboxCRM0001';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dealsOf = (sandbox: RunningService['sandbox']) => sandbox.bases.find((b) => b.id === CRM)!.tables.find((t) => t.name === 'Deals')!.id;
const creates = (prefix: string, count: number) => ({
  records: Array.from({ length: count }, (_, i) => ({ fields: { Deal: `${prefix} ${String(i).padStart(3, '0')}` } })),
});

describe('Idempotent writes', () => {
  const start = stacksClosedAfterEach();

  it('replays the first answer on another instance sharing the store, and after a restart', async () => {
    const path = tempDatabase();
    const first = await start({ env: { DATABASE_PATH: path } });
    const browser = new TestBrowser(first);
    const sid = cookieValue(setCookie(await browser.signIn(), 'sid'))!;
    const deals = dealsOf(first.sandbox);
    const route = `POST /v0/${CRM}/${deals}`;
    const url = `/bases/${CRM}/tables/${deals}/records`;
    const answer = await browser.agent.post(url).set('Idempotency-Key', 'fleet-key').send(creates('Fleet', 11)).expect(200);
    const calls = first.sandbox.recorder.count(route);

    const second = await start({ env: { DATABASE_PATH: path }, sandboxInstance: first.sandbox });
    const replay = await request(second.origin).post(url).set('Cookie', `sid=${sid}`).set('Idempotency-Key', 'fleet-key').send(creates('Fleet', 11)).expect(200);
    expect(replay.body).toEqual(answer.body);
    await first.app.close();
    const restarted = await start({ env: { DATABASE_PATH: path }, sandboxInstance: first.sandbox });
    const afterRestart = await request(restarted.origin).post(url).set('Cookie', `sid=${sid}`).set('Idempotency-Key', 'fleet-key').send(creates('Fleet', 11)).expect(200);
    expect(afterRestart.body).toEqual(answer.body);
    expect(first.sandbox.recorder.count(route)).toBe(calls);
  }, 30_000);

  it('resumes a write cut short by an outage when retried with its key, from the first record not written', async () => {
    // One chunk a second, so the test can pick which one fails.
    const stack = await start({ env: { AIRTABLE_RATE_LIMIT_PER_SECOND: '1' } });
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const deals = dealsOf(stack.sandbox);
    const route = `POST /v0/${CRM}/${deals}`;
    const url = `/bases/${CRM}/tables/${deals}/records`;
    const body = creates('Outage', 25);
    const cut = browser.agent.post(url).set('Idempotency-Key', 'outage-key').send(body).then((res) => res);
    while (stack.sandbox.recorder.count(route) < 2) await sleep(5);
    stack.sandbox.recorder.fault(route, { status: 503, body: '{}', times: 1 });
    const failed = await cut;
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ code: 'upstream_error', notWrittenFrom: 20 });
    const resumed = await browser.agent.post(url).set('Idempotency-Key', 'outage-key').send(body).expect(200);
    expect(resumed.body.records.map((r: { fields: { Deal: string } }) => r.fields.Deal)).toEqual(body.records.map((r) => r.fields.Deal));
    expect(stack.sandbox.recorder.count(route)).toBe(4);
    expect(stack.sandbox.records.all(deals).filter((r) => String(r.fields.Deal).startsWith('Outage ')).length).toBe(25);
  }, 30_000);

  it('doubles at most the one chunk whose answer was lost when retried with its key, and loses no record', async () => {
    const stack = await start({});
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const deals = dealsOf(stack.sandbox);
    const route = `POST /v0/${CRM}/${deals}`;
    const url = `/bases/${CRM}/tables/${deals}/records`;
    const body = creates('Lost', 25);
    // Airtable writes the second chunk, but its answer never reaches the service.
    stack.sandbox.recorder.fault(route, { loseAnswer: true, skip: 1, times: 1 });
    const cut = await browser.agent.post(url).set('Idempotency-Key', 'lost-key').send(body);
    expect(cut.status).toBe(502);
    expect(cut.body).toMatchObject({ code: 'upstream_unavailable', notWrittenFrom: 10 });
    expect(cut.body.written.records).toHaveLength(10);

    const retried = await browser.agent.post(url).set('Idempotency-Key', 'lost-key').send(body).expect(200);
    expect(retried.body.records.map((r: { fields: { Deal: string } }) => r.fields.Deal)).toEqual(body.records.map((r) => r.fields.Deal));
    // The retry resumes from the chunk it never heard back about: that one is sent again, the first is not.
    expect(stack.sandbox.recorder.count(route)).toBe(4);
    const names = stack.sandbox.records.all(deals).map((r) => String(r.fields.Deal)).filter((name) => name.startsWith('Lost '));
    expect(new Set(names)).toEqual(new Set(body.records.map((r) => r.fields.Deal)));
    // Airtable has no idempotency of its own: the chunk whose answer was lost, and only it, is doubled.
    const doubled = names.filter((name, i) => names.indexOf(name) !== i);
    expect(doubled.sort()).toEqual(body.records.slice(10, 20).map((r) => r.fields.Deal));
  }, 30_000);

  it('answers 409 while a write with the same key is still running', async () => {
    const stack = await start({});
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const deals = dealsOf(stack.sandbox);
    const url = `/bases/${CRM}/tables/${deals}/records`;
    const route = `POST /v0/${CRM}/${deals}`;
    stack.sandbox.recorder.fault(route, { delayMs: 1_000, times: 1 });
    const slow = browser.agent.post(url).set('Idempotency-Key', 'busy-key').send(creates('Busy', 30)).then((res) => res);
    // Its first chunk is at Airtable (held there a second): the key is taken.
    while (stack.sandbox.recorder.count(route) < 1) await sleep(5);
    const busy = await browser.agent.post(url).set('Idempotency-Key', 'busy-key').send(creates('Busy', 30)).expect(409);
    expect(busy.body.code).toBe('idempotency_key_in_use');
    expect(busy.headers['retry-after']).toBe('1');
    expect((await slow).status).toBe(200);
  }, 30_000);
});

describe('A write cut short by kill -9', () => {
  let running: RunningService;

  beforeAll(async () => {
    // One chunk a second: slow enough to pick, without racing the service, which chunk is in flight when it dies.
    running = await startServiceProcess({ env: { IDEMPOTENCY_LEASE_SECONDS: '1', AIRTABLE_RATE_LIMIT_PER_SECOND: '1' } });
  }, 60_000);
  afterAll(() => running?.stop());

  it('resumes from the last chunk written when retried with its key, writing each record once', async () => {
    const { service, sandbox, origin } = running;
    const browser = new TestBrowser(running);
    expect((await browser.signIn()).status).toBe(303);
    const deals = dealsOf(sandbox);
    const route = `POST /v0/${CRM}/${deals}`;
    const url = `/bases/${CRM}/tables/${deals}/records`;
    const body = creates('Resumed', 60);

    const cut = browser.agent.post(url).set('Idempotency-Key', 'resume-key').send(body).then(
      () => 'answered',
      () => 'cut',
    );
    while (sandbox.recorder.count(route) < 3) await sleep(5);
    // The fourth chunk is held at the sandbox until the service is gone, so it is never written.
    sandbox.recorder.fault(route, { delayMs: 3_000, times: 1 });
    while (sandbox.recorder.count(route) < 4) await sleep(5);
    await service.kill();
    expect(await cut).toBe('cut');

    await service.start(origin);
    // The dead instance's lease on the key (1 s, on the database's clock) ends: until then a retry is told 409.
    const retry = () => browser.agent.post(url).set('Idempotency-Key', 'resume-key').send(body);
    let resumed = await retry();
    for (const deadline = Date.now() + 10_000; resumed.status === 409 && Date.now() < deadline; resumed = await retry()) await sleep(100);
    expect(resumed.status).toBe(200);
    expect(resumed.body.records.map((r: { fields: { Deal: string } }) => r.fields.Deal)).toEqual(body.records.map((r) => r.fields.Deal));
    expect(sandbox.recorder.count(route)).toBe(7);
    const written = sandbox.records.all(deals).filter((r) => String(r.fields.Deal).startsWith('Resumed '));
    expect(written).toHaveLength(60);
    expect(new Set(written.map((r) => r.fields.Deal)).size).toBe(60);
  }, 90_000);
});
