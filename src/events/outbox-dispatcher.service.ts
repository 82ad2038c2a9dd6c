import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { PeriodicJob } from '../common/periodic-job';
import { eventsConfig, type EventsConfig } from '../config/events.config';
import { eventSignature } from './event-signature';
import { OutboxStore, type PendingEvent } from './outbox.store';

const BATCH = 100;
const MAX_PASSES = 10;
const MAX_RETRY_WAIT_MS = 60 * 60_000;

/**
 * Delivers the outbox: one instance of the fleet at a time (a lease on the database's clock, renewed
 * before each delivery), oldest first by the database's sequence, at least once, in order per
 * connection (a connection's later events wait while an earlier one fails), retrying with exponential
 * backoff until the give-up time. An event is marked delivered only after the receiver answered 2xx,
 * and only while this instance still holds the turn, so a crash at any point means a later delivery,
 * never none.
 */
@Injectable()
export class OutboxDispatcher extends PeriodicJob {
  private readonly logger = new Logger(OutboxDispatcher.name);
  /** The fencing token of the turn this instance holds, if it holds one. */
  private turn?: string;

  constructor(
    private readonly outbox: OutboxStore,
    private readonly clock: Clock,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
  ) {
    super();
  }

  protected interval(): number | undefined {
    return this.config.url ? this.config.pollMs : undefined;
  }

  /** One round. */
  protected async pass(): Promise<void> {
    await this.round().catch(() => this.logger.warn('The event outbox could not be read; the next round will try again'));
  }

  private async round(): Promise<void> {
    // Each pass delivers the head event of every connection that has one due; the next pass their next ones.
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      if (!(await this.keepTurn())) return;
      // Read under the turn: what another holder did before it is in the list, nothing after it can be.
      const turn = this.turn!;
      let delivered = 0;
      for (const pending of await this.outbox.pending(BATCH)) {
        // Extended before each delivery, for a little longer than one may take: an instance that dies
        // holding it is replaced within seconds. A turn lost meanwhile (even if taken again) ends the list.
        if (!(await this.keepTurn()) || this.turn !== turn) return;
        if (await this.deliver(turn, pending)) delivered++;
      }
      if (delivered === 0) return;
    }
  }

  /** Takes the turn, or extends the one this instance holds; false while another instance holds it. */
  private async keepTurn(): Promise<boolean> {
    this.turn = await this.outbox.takeTurn(2 * this.config.timeoutMs + this.config.pollMs, this.turn);
    return this.turn !== undefined;
  }

  private async deliver(turn: string, pending: PendingEvent): Promise<boolean> {
    const body = JSON.stringify(pending.event);
    const signature = eventSignature(this.config.secret, body, Math.floor(this.clock.now() / 1000));
    let error: string;
    try {
      const res = await fetch(this.config.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': signature },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) return this.outbox.delivered(turn, pending.event.id);
      error = `answered ${res.status}`;
    } catch (failure) {
      error = failure instanceof Error && failure.name === 'TimeoutError' ? 'no answer in time' : 'could not be reached';
    }
    await this.failed(turn, pending, error);
    return false;
  }

  private async failed(turn: string, pending: PendingEvent, error: string): Promise<void> {
    if (pending.ageMs >= this.config.giveUpAfterMs) {
      this.logger.error(`Gave up on event ${pending.event.id} (${pending.event.type}) after ${pending.attempts + 1} attempts`);
      await this.outbox.giveUp(turn, pending.event.id, error);
      return;
    }
    const wait = Math.min(MAX_RETRY_WAIT_MS, this.config.retryBaseMs * 2 ** pending.attempts);
    await this.outbox.retryLater(turn, pending.event.id, wait, error);
  }
}
