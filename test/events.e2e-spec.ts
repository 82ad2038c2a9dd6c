import { OutboxDispatcher } from '../src/events/outbox-dispatcher.service';
import { OutboxStore } from '../src/events/outbox.store';
import { TestBrowser } from './support/browser';
import { EventReceiver, verifySignature } from './support/event-receiver';
import { type RunningService, startServiceProcess } from './support/service-process';
import { SHARED_STORES, stacksClosedAfterEach } from './support/stack';

const SECRET = 'an-events-secret-of-at-least-32-characters';
const FAST = { EVENTS_SECRET: SECRET, EVENTS_POLL_MS: '50', EVENTS_RETRY_BASE_MS: '50', EVENTS_TIMEOUT_MS: '300' };

const types = (receiver: EventReceiver) => receiver.deliveries.map((d) => d.event.type);

describe('Signed events', () => {
  const start = stacksClosedAfterEach();
  let receiver: EventReceiver;
  const removals: Array<() => Promise<unknown>> = [];
  afterAll(() => Promise.all(removals.map((remove) => remove())));

  beforeEach(async () => {
    receiver = await new EventReceiver().listen();
  });
  afterEach(() => receiver.close());

  it('sends connection.created and connection.deleted, signed, without tokens', async () => {
    const stack = await start({ env: { ...FAST, EVENTS_URL: receiver.url } });
    const browser = new TestBrowser(stack);
    await browser.signIn();
    await receiver.waitFor((d) => d.length === 1);
    await browser.agent.post('/auth/logout').set('Origin', stack.origin).expect(303);
    await receiver.waitFor((d) => d.length === 2);
    expect(types(receiver)).toEqual(['connection.created', 'connection.deleted']);
    for (const delivery of receiver.deliveries) {
      expect(verifySignature(SECRET, delivery.headers['x-signature'] as string, delivery.body)).toBe(true);
      expect(verifySignature('another-secret-of-at-least-32-characters', delivery.headers['x-signature'] as string, delivery.body)).toBe(false);
      expect(delivery.body).not.toMatch(/oaa[A-Za-z0-9]{14}/);
    }
    const [created] = receiver.deliveries.map((d) => d.event);
    expect(created).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'connection.created',
      createdAt: expect.any(String),
      data: expect.objectContaining({ airtableUserId: stack.sandbox.user.id, status: 'active' }),
    });
  });

  it('retries a failing or hanging receiver with backoff, in order, until it accepts', async () => {
    receiver.script.push(500, 'hang', 503);
    const stack = await start({ env: { ...FAST, EVENTS_URL: receiver.url } });
    const browser = new TestBrowser(stack);
    await browser.signIn();
    await browser.agent.post('/auth/logout').set('Origin', stack.origin).expect(303);
    await receiver.waitFor((d) => d.length === 5);
    // created thrice refused (500, a timeout, 503), accepted the fourth time; only then deleted.
    expect(types(receiver)).toEqual(['connection.created', 'connection.created', 'connection.created', 'connection.created', 'connection.deleted']);
    expect(new Set(receiver.deliveries.slice(0, 4).map((d) => d.event.id)).size).toBe(1);
  });

  it("holds back only the failing connection's events, not everyone else's", async () => {
    const stack = await start({ env: { ...FAST, EVENTS_URL: receiver.url, EVENTS_RETRY_BASE_MS: '200' } });
    let stuck: unknown;
    receiver.refuse = (event) => (stuck ??= event.data.id) === event.data.id;
    const first = new TestBrowser(stack);
    await first.signIn();
    await receiver.waitFor((d) => d.length >= 1);
    await first.agent.post('/auth/logout').set('Origin', stack.origin).expect(303);
    await new TestBrowser(stack).signIn();
    await receiver.waitFor((d) => d.some((delivery) => delivery.event.data.id !== stuck));
    const stuckTypes = receiver.deliveries.filter((d) => d.event.data.id === stuck).map((d) => d.event.type);
    // The stuck connection's deleted event never overtakes its created one.
    expect(new Set(stuckTypes)).toEqual(new Set(['connection.created']));
  });

  it('tells the app when Airtable stops accepting a connection', async () => {
    const stack = await start({ env: { ...FAST, EVENTS_URL: receiver.url } });
    const browser = new TestBrowser(stack);
    await browser.signIn();
    stack.sandbox.grants.revoke(stack.sandbox.grants.allGrants().at(-1)!);
    await browser.agent.get('/me').expect(401);
    await receiver.waitFor((d) => d.length === 2);
    expect(types(receiver)).toEqual(['connection.created', 'connection.reauth_required']);
    expect(receiver.deliveries[1].event.data.status).toBe('reauth_required');
  });

  it.each(SHARED_STORES)('is sent once by a fleet of two sharing %s, not once per instance', async (_stores, provision) => {
    const stores = await provision();
    removals.push(stores.remove);
    const first = await start({ env: { ...FAST, EVENTS_URL: receiver.url, ...stores.env } });
    const second = await start({ env: { ...FAST, EVENTS_URL: receiver.url, ...stores.env }, sandboxInstance: first.sandbox });
    for (let i = 0; i < 5; i++) await new TestBrowser(first).signIn();
    await receiver.waitFor((d) => d.length >= 5);
    // Each instance's round in progress, and one more after it, has finished: a second sending would be in.
    await Promise.all([first, second].map((stack) => stack.app.get(OutboxDispatcher).runOnce()));
    expect(receiver.deliveries).toHaveLength(5);
    expect(new Set(receiver.deliveries.map((d) => d.event.id)).size).toBe(5);
  });

  it('keeps nothing when no EVENTS_URL is set', async () => {
    const stack = await start({});
    await new TestBrowser(stack).signIn();
    expect(await stack.app.get(OutboxStore).depth()).toEqual({ count: 0 });
    expect(receiver.deliveries).toHaveLength(0);
  });
});

describe('Events in the outbox when the service is killed with SIGKILL', () => {
  let running: RunningService;
  let receiver: EventReceiver;

  afterAll(async () => {
    await running?.stop();
    await receiver?.close();
  });

  it('are delivered after the restart, none lost', async () => {
    // The receiver is down while the events are made: they can only wait in the outbox.
    receiver = await new EventReceiver().listen();
    const url = receiver.url;
    const port = Number(new URL(url).port);
    await receiver.close();
    running = await startServiceProcess({ env: { ...FAST, EVENTS_URL: url } });
    for (let i = 0; i < 3; i++) await new TestBrowser(running).signIn();
    await running.service.kill();
    receiver = await new EventReceiver().listen(port);
    await running.service.start(running.origin);
    await receiver.waitFor((d) => d.length === 3);
    expect(types(receiver)).toEqual(['connection.created', 'connection.created', 'connection.created']);
  }, 60_000);
});
