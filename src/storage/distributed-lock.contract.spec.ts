import { DistributedLock } from '../common/distributed-lock';
import { randomToken } from '../common/random';
import type { Environment } from '../config/env-reader';
import { REDIS_URL, redisClient, testPrefix } from '../../test/support/redis';
import { openStorage } from '../../test/support/storage';

// The lock is held for 2 * (AIRTABLE_TIMEOUT_MS + AIRTABLE_RATE_LIMIT_MAX_WAIT_MS): 600 ms here.
const SHORT_HOLD = { AIRTABLE_TIMEOUT_MS: '200', AIRTABLE_RATE_LIMIT_MAX_WAIT_MS: '100' };
const HOLD_MS = 600;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Stay {
  enter: number;
  leave: number;
}

interface Backend {
  name: string;
  env: Environment;
  /** Whether callers of one name wait for each other. */
  excludesCallers: boolean;
}

// The memory LocalLock does not exclude anyone: within one process SingleFlight already serializes the
// callers of a name, so keeping concurrent callers apart is only the job of the lock shared by a fleet.
const backends: Backend[] = [
  { name: 'memory', env: SHORT_HOLD, excludesCallers: false },
  { name: 'Redis', env: { ...SHORT_HOLD, REDIS_URL, REDIS_KEY_PREFIX: testPrefix() }, excludesCallers: true },
];

describe.each(backends)('DistributedLock in $name', ({ env, excludesCallers }) => {
  let storage: Awaited<ReturnType<typeof openStorage>>;
  let lock: DistributedLock;

  beforeAll(async () => {
    storage = await openStorage(env);
    lock = storage.get(DistributedLock);
  });
  afterAll(() => storage.close());

  /** Runs a critical section of `ms` under `name` and tells when it entered and left it. */
  const stay = (name: string, ms: number): Promise<Stay> =>
    lock.withLock(name, async () => {
      const enter = performance.now();
      await sleep(ms);
      return { enter, leave: performance.now() };
    });

  it("hands back the critical section's result", async () => {
    const result = { answer: 42 };
    await expect(lock.withLock(randomToken(), async () => result)).resolves.toBe(result);
  });

  it("passes the critical section's error through unchanged", async () => {
    const failure = new Error('the critical section failed');
    await expect(
      lock.withLock(randomToken(), async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });

  it('releases the lock after an error, so the next caller of that name runs at once', async () => {
    const name = randomToken();
    await expect(lock.withLock(name, () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    const start = performance.now();
    await expect(lock.withLock(name, async () => 'second')).resolves.toBe('second');
    expect(performance.now() - start).toBeLessThan(HOLD_MS / 2);
  });

  it('does not make callers of different names wait for each other', async () => {
    const stays = await Promise.all([stay(randomToken(), 200), stay(randomToken(), 200)]);
    expect(Math.max(...stays.map((s) => s.enter))).toBeLessThan(Math.min(...stays.map((s) => s.leave)));
  });

  describe.runIf(excludesCallers)('across callers', () => {
    const lockKey = (name: string) => `${env.REDIS_KEY_PREFIX}lock:${name}`;

    it('never lets two callers of one name into the critical section at once', async () => {
      const name = randomToken();
      const stays = (await Promise.all(Array.from({ length: 4 }, () => stay(name, 50)))).sort((a, b) => a.enter - b.enter);
      for (let i = 1; i < stays.length; i++) expect(stays[i].enter).toBeGreaterThanOrEqual(stays[i - 1].leave);
    });

    it('takes over a lock whose holder never released it once it expires', async () => {
      const name = randomToken();
      const client = await redisClient();
      try {
        await client.set(lockKey(name), 'a holder that crashed', { PX: 300 });
        const start = performance.now();
        const entered = await lock.withLock(name, async () => performance.now() - start);
        expect(entered).toBeGreaterThanOrEqual(250);
        expect(entered).toBeLessThan(HOLD_MS);
        expect(await client.exists(lockKey(name))).toBe(0);
      } finally {
        await client.close();
      }
    });

    it("hands the lock on when a holder outlives its hold, and the late holder's release leaves the new lock alone", async () => {
      const name = randomToken();
      const started = performance.now();
      const late = stay(name, HOLD_MS + 300);
      await sleep(300);
      const successor = stay(name, 400);
      const lateStay = await late;
      const next = await stay(name, 0);
      const successorStay = await successor;
      expect(successorStay.enter - started).toBeGreaterThanOrEqual(HOLD_MS - 50);
      expect(successorStay.enter).toBeLessThan(lateStay.leave);
      expect(next.enter).toBeGreaterThanOrEqual(successorStay.leave);
    });
  });
});
