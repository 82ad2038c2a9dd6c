import { BasePacer, rateLimited, WINDOW_MS } from '../../airtable/base-pacer';

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
