import { AppError, ErrorCode } from '../common/app-error';
import type { AirtableConfig } from '../config/airtable.config';
import type { RedisService } from '../redis/redis.service';

/**
 * Airtable counts requests per base over one second; this window is a little longer so that jitter
 * between our start and Airtable's arrival time cannot push a burst over the limit.
 */
const WINDOW_MS = 1_100;

function rateLimited(waitMs: number): AppError {
  return new AppError(ErrorCode.RateLimited, 'Airtable limits how fast a base can be read. Please try again shortly.', {
    retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}

/**
 * Paces calls per base so that no more than Airtable's limit start in any window, and after a 429
 * refuses calls for that base for the whole lockout (Airtable answers 429 for 30 seconds; calling again
 * sooner only extends it). A queue longer than a request may wait is refused at once.
 */
export abstract class BasePacer {
  constructor(protected readonly config: AirtableConfig) {}

  /** Resolves when a call for `baseId` may start. */
  async acquire(baseId: string): Promise<void> {
    const delay = await this.reserve(baseId);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }

  /** Books the next start for `baseId` and returns how long to wait for it; throws rate_limited. */
  protected abstract reserve(baseId: string): Promise<number>;

  abstract lockOut(baseId: string): Promise<void>;
}

/** Past this many bases, the book drops the ones it no longer needs (idle for a window, not locked). */
const MAX_TRACKED_BASES = 10_000;

/** One instance: the book of start times lives in this process. */
export class MemoryBasePacer extends BasePacer {
  /** Start times (past or scheduled) of the last `limit` calls per base, oldest first. */
  private readonly starts = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();
  private lastSweep = 0;

  /** How many bases the book holds: what a base's pace needs, not every base ever called. */
  get trackedBases(): number {
    return this.starts.size + this.lockedUntil.size;
  }

  protected async reserve(baseId: string): Promise<number> {
    const now = Date.now();
    const locked = this.lockedUntil.get(baseId) ?? 0;
    if (locked > now) throw rateLimited(locked - now);
    const limit = this.config.rateLimitPerSecond;
    const starts = (this.starts.get(baseId) ?? []).filter((t) => t > now - WINDOW_MS);
    const start = starts.length < limit ? now : Math.max(now, starts[starts.length - limit] + WINDOW_MS);
    if (start - now > this.config.rateLimitMaxWaitMs) throw rateLimited(start - now);
    starts.push(start);
    this.starts.set(baseId, starts.slice(-limit));
    if (this.trackedBases > MAX_TRACKED_BASES && now - this.lastSweep > WINDOW_MS) this.sweep(now);
    return start - now;
  }

  async lockOut(baseId: string): Promise<void> {
    this.lockedUntil.set(baseId, Date.now() + this.config.rateLimitLockoutMs);
  }

  /** Forgetting a base whose last start left the window, or whose lockout ended, changes no decision. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [baseId, starts] of this.starts) if (starts[starts.length - 1] <= now - WINDOW_MS) this.starts.delete(baseId);
    for (const [baseId, until] of this.lockedUntil) if (until <= now) this.lockedUntil.delete(baseId);
  }
}

/** The same booking as MemoryBasePacer, done atomically in Redis on Redis's clock, for the whole fleet. */
const RESERVE = `
local locked = redis.call('PTTL', KEYS[2])
if locked > 0 then return {1, locked} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window, maxWait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local starts = {}
for _, s in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if tonumber(s) > now - window then table.insert(starts, tonumber(s)) end
end
local start = now
if #starts >= limit then start = math.max(now, starts[#starts - limit + 1] + window) end
if start - now > maxWait then return {1, start - now} end
table.insert(starts, start)
while #starts > limit do table.remove(starts, 1) end
redis.call('DEL', KEYS[1])
redis.call('RPUSH', KEYS[1], unpack(starts))
redis.call('PEXPIRE', KEYS[1], start - now + window)
return {0, start - now}`;

export class RedisBasePacer extends BasePacer {
  constructor(
    config: AirtableConfig,
    private readonly redis: RedisService,
  ) {
    super(config);
  }

  protected async reserve(baseId: string): Promise<number> {
    const [refused, ms] = (await this.redis.run((client) =>
      client.eval(RESERVE, {
        keys: [this.redis.key('pace', baseId), this.redis.key('lockout', baseId)],
        arguments: [String(this.config.rateLimitPerSecond), String(WINDOW_MS), String(this.config.rateLimitMaxWaitMs)],
      }),
    )) as [number, number];
    if (refused) throw rateLimited(ms);
    return ms;
  }

  async lockOut(baseId: string): Promise<void> {
    await this.redis.run((client) => client.set(this.redis.key('lockout', baseId), '1', { PX: this.config.rateLimitLockoutMs }));
  }
}
