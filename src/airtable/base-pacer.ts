import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';

/**
 * Airtable counts requests per base over one second; this window is a little longer so that jitter
 * between our start and Airtable's arrival time cannot push a burst over the limit.
 */
const WINDOW_MS = 1_100;

/**
 * Paces calls per base so that no more than Airtable's limit start in any window, and after a 429
 * refuses calls for that base for the whole lockout (Airtable answers 429 for 30 seconds; calling again
 * sooner only extends it).
 */
@Injectable()
export class BasePacer {
  /** Start times (past or scheduled) of the last `limit` calls per base, oldest first. */
  private readonly starts = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(@Inject(airtableConfig.KEY) private readonly config: AirtableConfig) {}

  /** Resolves when a call for `baseId` may start. */
  async acquire(baseId: string): Promise<void> {
    const now = Date.now();
    const locked = this.lockedUntil.get(baseId) ?? 0;
    if (locked > now) throw rateLimited(locked - now);
    const limit = this.config.rateLimitPerSecond;
    const starts = (this.starts.get(baseId) ?? []).filter((t) => t > now - WINDOW_MS);
    const start = starts.length < limit ? now : Math.max(now, starts[starts.length - limit] + WINDOW_MS);
    // A queue longer than a request may wait is refused now rather than left to time out.
    if (start - now > this.config.rateLimitMaxWaitMs) throw rateLimited(start - now);
    starts.push(start);
    this.starts.set(baseId, starts.slice(-limit));
    if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now));
  }

  lockOut(baseId: string): void {
    this.lockedUntil.set(baseId, Date.now() + this.config.rateLimitLockoutMs);
  }
}

function rateLimited(waitMs: number): AppError {
  return new AppError(ErrorCode.RateLimited, 'Airtable limits how fast a base can be read. Please try again shortly.', {
    retryAfterSeconds: Math.ceil(waitMs / 1000),
  });
}
