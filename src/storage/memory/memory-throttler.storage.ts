import type { ThrottlerStorage } from '@nestjs/throttler';
import { Clock, SystemClock } from '../../common/clock';

interface Window {
  hits: number;
  resetAt: number;
  blockedUntil: number;
}

/**
 * A fixed window per client and route, as RedisThrottlerStorage counts for a fleet: O(1) per
 * request whatever the limit. (The throttler's default storage keeps and filters a log of every hit in
 * the window, which costs O(limit) per request for a busy address, such as many users behind one NAT.)
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  constructor(private readonly clock: Clock = new SystemClock()) {
    setInterval(() => this.sweep(), 60_000).unref();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const id = `${throttlerName}:${key}`;
    const now = this.clock.now();
    let window = this.windows.get(id);
    if (!window || (window.resetAt <= now && window.blockedUntil <= now)) {
      window = { hits: 0, resetAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    window.hits++;
    if (window.blockedUntil <= now && window.hits > limit) window.blockedUntil = now + (blockDuration || ttl);
    return {
      totalHits: window.hits,
      timeToExpire: Math.ceil(Math.max(window.resetAt - now, 0) / 1000),
      isBlocked: window.blockedUntil > now,
      timeToBlockExpire: Math.ceil(Math.max(window.blockedUntil - now, 0) / 1000),
    };
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [id, window] of this.windows) if (window.resetAt <= now && window.blockedUntil <= now) this.windows.delete(id);
  }
}
