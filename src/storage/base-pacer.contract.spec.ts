import type { BasePacer } from '../airtable/base-pacer';
import { testConfig } from '../../test/support/config';
import { deleteKeys, REDIS_URL, testPrefix } from '../../test/support/redis';
import { MemoryBasePacer } from './memory/memory-base-pacer';
import { RedisBasePacer } from './redis/redis-base-pacer';
import { RedisService } from './redis/redis.service';

const baseId = (n: number) => `app${String(n).padStart(14, '0')}`;
const env = { AIRTABLE_RATE_LIMIT_LOCKOUT_SECONDS: '1', AIRTABLE_RATE_LIMIT_MAX_WAIT_MS: '2000' };

/** The same rules whichever backend keeps the book: Airtable's 5 per second per base, its lockout, a bounded wait. */
describe.each([
  ['memory', async () => ({ pacer: new MemoryBasePacer(testConfig(env).airtable) as BasePacer, close: async () => undefined })],
  [
    'Redis',
    async () => {
      const config = testConfig({ ...env, REDIS_URL, REDIS_KEY_PREFIX: testPrefix() });
      const redis = new RedisService(config.redis);
      await redis.onModuleInit();
      return {
        pacer: new RedisBasePacer(config.airtable, redis) as BasePacer,
        close: async () => {
          await redis.onApplicationShutdown();
          await deleteKeys(config.redis.keyPrefix);
        },
      };
    },
  ],
])('BasePacer in %s', (_name, open) => {
  let subject: { pacer: BasePacer; close(): Promise<void> };
  beforeEach(async () => (subject = await open()));
  afterEach(() => subject.close());

  const reserve = (n: number) => (subject.pacer as unknown as { reserve(id: string): Promise<number> }).reserve(baseId(n));

  it('lets five calls a base start at once and books the next ones a window later, per base', async () => {
    const waits = [];
    for (let i = 0; i < 7; i++) waits.push(await reserve(1));
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    for (const wait of waits.slice(5)) expect(wait).toBeGreaterThan(1_000);
    expect(await reserve(2)).toBe(0);
  });

  it('refuses at once what would wait longer than allowed', async () => {
    for (let i = 0; i < 10; i++) await reserve(3); // two windows booked
    await expect(reserve(3)).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('refuses a base through its lockout after a 429, and only that base', async () => {
    await subject.pacer.lockOut(baseId(4));
    await expect(subject.pacer.acquire(baseId(4))).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 1 });
    await expect(subject.pacer.acquire(baseId(5))).resolves.toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    await expect(subject.pacer.acquire(baseId(4))).resolves.toBeUndefined();
  });
});
