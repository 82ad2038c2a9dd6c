import { unprocessable } from './sandbox-api-error';
import { freshId } from './sandbox-random';
import { SYSTEM_CLOCK, type SandboxClock } from './sandbox.options';

/** The result of a list request, fixed when its first page was asked for; later pages read from it. */
export interface ListIteration {
  readonly id: string;
  readonly tableId: string;
  /** The matching records in order, as they were when the iteration started. */
  readonly recordIds: readonly string[];
  /** The offsets handed out: the record a page starts at, and its position in `recordIds`. */
  readonly cursors: Map<string, number>;
  expiresAt: number;
}

const OFFSET = /^(itr[A-Za-z0-9]{14})\/(rec[A-Za-z0-9]{14})$/;

/**
 * Live list iterations, least recently used first. An offset is `itr.../rec...`: the iteration and the
 * record its page starts at. It can be used again (a retried page) until the iteration expires.
 */
export class ListIterations {
  private readonly live = new Map<string, ListIteration>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly clock: SandboxClock = SYSTEM_CLOCK,
  ) {}

  start(tableId: string, recordIds: readonly string[], now = this.clock.now()): ListIteration {
    this.dropExpired(now);
    while (this.live.size >= this.max) this.live.delete(this.live.keys().next().value!);
    const iteration = { id: freshId('itr'), tableId, recordIds, cursors: new Map<string, number>(), expiresAt: now + this.ttlMs };
    this.live.set(iteration.id, iteration);
    return iteration;
  }

  /** The offset of the page that starts at `position`. */
  offsetAt(iteration: ListIteration, position: number): string {
    const recordId = iteration.recordIds[position];
    iteration.cursors.set(recordId, position);
    return `${iteration.id}/${recordId}`;
  }

  /**
   * Where a page continues. A well-formed offset whose iteration is gone (expired, dropped, or never
   * issued) is LIST_RECORDS_ITERATOR_NOT_AVAILABLE; any other offset is INVALID_OFFSET_VALUE.
   */
  resume(offset: string, tableId: string, now = this.clock.now()): { iteration: ListIteration; position: number } {
    const match = OFFSET.exec(offset);
    if (!match) throw invalidOffset(offset);
    const iteration = this.live.get(match[1]);
    if (!iteration || iteration.expiresAt <= now) {
      this.live.delete(match[1]);
      throw unprocessable('LIST_RECORDS_ITERATOR_NOT_AVAILABLE', 'The iteration for this offset is not available; restart from the first page.');
    }
    const position = iteration.cursors.get(match[2]);
    if (iteration.tableId !== tableId || position === undefined) throw invalidOffset(offset);
    // Each use keeps the iteration alive and makes it the most recently used.
    iteration.expiresAt = now + this.ttlMs;
    this.live.delete(iteration.id);
    this.live.set(iteration.id, iteration);
    return { iteration, position };
  }

  get size(): number {
    return this.live.size;
  }

  /** Expiry follows use, so the expired iterations are the first ones. */
  private dropExpired(now: number): void {
    for (const [id, iteration] of this.live) {
      if (iteration.expiresAt > now) return;
      this.live.delete(id);
    }
  }
}

function invalidOffset(offset: string) {
  return unprocessable('INVALID_OFFSET_VALUE', `The value of offset ${offset.slice(0, 40)} is invalid`);
}
