import { AppError, ErrorCode } from '../common/app-error';
import type { AirtableConfig } from '../config/airtable.config';

/**
 * Airtable counts requests per base over one second; this window is a little longer so that jitter
 * between our start and Airtable's arrival time cannot push a burst over the limit.
 */
export const WINDOW_MS = 1_100;

export function rateLimited(waitMs: number): AppError {
  return new AppError(ErrorCode.RateLimited, { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
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
