import type { ThrottlerStorage } from '@nestjs/throttler';
import { randomToken } from '../common/random';
import type { Environment } from '../config/env-reader';
import { FakeClock } from '../../test/support/fake-clock';
import { REDIS_URL, testPrefix } from '../../test/support/redis';
import { openStorage } from '../../test/support/storage';
import { THROTTLER_STORAGE } from './storage.tokens';

const MINUTE_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Hit {
  ttl?: number;
  limit?: number;
  block?: number;
  throttler?: string;
}

const clock = new FakeClock();

/**
 * The per-client login limits count the same way whichever backend the storage module picks. In memory
 * windows end by the injected clock, which the tests move; Redis ends them by its own TTLs, so there
 * the tests wait.
 */
describe.each<[string, Environment, (ms: number) => Promise<unknown>]>([
  ['memory', {}, async (ms) => clock.advance(ms)],
  ['Redis', { REDIS_URL, REDIS_KEY_PREFIX: testPrefix() }, sleep],
])('ThrottlerStorage in %s', (_name, env, pass) => {
  let storage: Awaited<ReturnType<typeof openStorage>>;
  let throttlerStorage: ThrottlerStorage;

  beforeAll(async () => {
    storage = await openStorage(env, { clock });
    throttlerStorage = storage.get(THROTTLER_STORAGE);
  });
  afterAll(() => storage.close());

  // Every test counts under keys of its own, so tests sharing the store never see each other's hits.
  const hit = (key: string, { ttl = MINUTE_MS, limit = 10, block = MINUTE_MS, throttler = 'default' }: Hit = {}) =>
    throttlerStorage.increment(key, ttl, limit, block, throttler);

  it('counts the hits of a key in its window and tells the time left in seconds', async () => {
    const key = randomToken();
    const records = [await hit(key), await hit(key), await hit(key)];
    expect(records.map((r) => r.totalHits)).toEqual([1, 2, 3]);
    for (const record of records) expect(record).toMatchObject({ timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('blocks the hits past the limit, telling the time left of the block in seconds', async () => {
    const key = randomToken();
    const limits = { limit: 2, block: 5_000 };
    expect(await hit(key, limits)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit(key, limits)).toMatchObject({ totalHits: 2, isBlocked: false });
    expect(await hit(key, limits)).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 5 });
    expect(await hit(key, limits)).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 5 });
  });

  it('keeps blocking for the block duration, past the end of the window, and counts afresh after it', async () => {
    const key = randomToken();
    const limits = { ttl: 300, limit: 2, block: 900 };
    await hit(key, limits);
    await hit(key, limits);
    expect(await hit(key, limits)).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    await pass(400);
    expect(await hit(key, limits)).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    await pass(600);
    expect(await hit(key, limits)).toEqual({ totalHits: 1, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('counts separate keys and separate throttlers separately', async () => {
    const [key, other] = [randomToken(), randomToken()];
    const limits = { limit: 2, throttler: 'short' };
    for (let i = 0; i < 3; i++) await hit(key, limits);
    expect(await hit(key, limits)).toMatchObject({ totalHits: 4, isBlocked: true });
    expect(await hit(other, limits)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit(key, { ...limits, throttler: 'long' })).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('starts a new window once the TTL has passed', async () => {
    const key = randomToken();
    const limits = { ttl: 300 };
    expect(await hit(key, limits)).toMatchObject({ totalHits: 1, timeToExpire: 1 });
    await pass(150);
    expect(await hit(key, limits)).toMatchObject({ totalHits: 2 });
    await pass(250);
    expect(await hit(key, limits)).toMatchObject({ totalHits: 1, timeToExpire: 1, isBlocked: false });
  });

  it('counts each of many simultaneous hits exactly once and lets exactly the limit through', async () => {
    const key = randomToken();
    const records = await Promise.all(Array.from({ length: 50 }, () => hit(key, { limit: 20 })));
    const counts = records.map((r) => r.totalHits).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const passed = records.filter((r) => !r.isBlocked).map((r) => r.totalHits);
    expect(passed.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
