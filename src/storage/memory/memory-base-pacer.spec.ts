import type { AirtableConfig } from '../../config/airtable.config';
import { MemoryBasePacer } from './memory-base-pacer';

const config = { rateLimitPerSecond: 5, rateLimitMaxWaitMs: 5_000, rateLimitLockoutMs: 30_000 } as AirtableConfig;
const baseId = (n: number) => `app${String(n).padStart(14, '0')}`;

describe('MemoryBasePacer', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('refuses a locked-out base until the lockout has passed', async () => {
    const pacer = new MemoryBasePacer(config);
    await pacer.lockOut(baseId(1));
    vi.advanceTimersByTime(29_999);
    await expect(pacer.acquire(baseId(1))).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 1 });
    vi.advanceTimersByTime(2);
    await expect(pacer.acquire(baseId(1))).resolves.toBeUndefined();
  });

  it('keeps its book bounded when calls touch ever new bases', async () => {
    const pacer = new MemoryBasePacer(config);
    for (let n = 0; n < 50_000; n++) {
      await pacer.acquire(baseId(n));
      if (n % 5_000 === 0) await pacer.lockOut(baseId(n));
      vi.advanceTimersByTime(1);
    }
    // Bases idle for a window carry no information; only the last ~1.1 s of them, and the locked ones, remain.
    expect(pacer.trackedBases).toBeLessThanOrEqual(10_000 + 1_200);
    await expect(pacer.acquire(baseId(45_000))).rejects.toMatchObject({ code: 'rate_limited' });
  });
});
