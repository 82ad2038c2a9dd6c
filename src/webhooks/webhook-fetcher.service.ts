import { Inject, Injectable, Logger } from '@nestjs/common';
import { AirtableWebhooksClient } from '../airtable/airtable-webhooks.client';
import { AppError, ErrorCode } from '../common/app-error';
import { sha256Hex } from '../common/random';
import { Coalescer } from '../common/single-flight';
import { webhooksConfig, type WebhooksConfig } from '../config/webhooks.config';
import { ConnectionStore } from '../connections/connection.store';
import { TokenService } from '../connections/token.service';
import { EventsService } from '../events/events.service';
import { OutboxDispatcher } from '../events/outbox-dispatcher.service';
import { Metrics } from '../metrics/metrics';
import { changesView } from './webhook-views';
import { type ReadEnd, WebhookStore } from './webhook.store';
import { WebhooksService } from './webhooks.service';

/** Pages read in one run; a webhook with more is read on in the next. */
const MAX_PAGES_PER_RUN = 20;

/**
 * Reads a webhook's new payloads from its stored cursor and forwards them as `airtable.changes`
 * events. One instance at a time per webhook (a fenced lease on the database's clock); each page's
 * event and the cursor past it are stored in one transaction, so a crash at any point forwards a page once or, later, again
 * under the same event id, never loses one.
 */
@Injectable()
export class WebhookFetcher {
  private readonly logger = new Logger(WebhookFetcher.name);
  private readonly reads = new Coalescer();

  constructor(
    private readonly store: WebhookStore,
    private readonly connections: ConnectionStore,
    private readonly tokens: TokenService,
    private readonly client: AirtableWebhooksClient,
    private readonly events: EventsService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly webhooks: WebhooksService,
    private readonly metrics: Metrics,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
  ) {}

  /** Reads everything new of one webhook; a call while it is being read here gets one more read after it. */
  fetch(webhookId: string): Promise<void> {
    return this.reads.run(webhookId, () =>
      this.run(webhookId).catch((error: unknown) => this.logger.warn(`Reading the payloads of webhook ${webhookId} failed (${error instanceof AppError ? error.code : 'unexpected error'}); it is read again later`)),
    );
  }

  private async run(webhookId: string): Promise<void> {
    // With no receiver the payloads stay at Airtable (kept 7 days) rather than being read into nothing.
    if (!this.events.enabled) return;
    let webhook = await this.store.lease(webhookId, this.config.fetchLeaseMs);
    if (!webhook) return;
    const { lease, leasedAt, failures } = webhook;
    // Pages left for the next run: the webhook stays due, at the front of the queue.
    let end: ReadEnd = { readAt: leasedAt };
    try {
      // A read asked for while another ran here (the upkeep job seeing the ping that read was for)
      // finds nothing to do: only a ping since, a failure or the quiet time calls Airtable again.
      const due = failures > 0 || (webhook.lastPingAt ?? 0) > webhook.readAt || webhook.readAt <= leasedAt - this.config.quietFetchMs;
      if (!due) {
        end = undefined;
        return;
      }
      const stored = await this.connections.load(webhook.connectionId);
      if (!stored || stored.connection.status !== 'active') return;
      for (let page = 0; webhook; page++) {
        if (page === MAX_PAGES_PER_RUN) {
          end = undefined;
          return;
        }
        const { cursor } = webhook;
        const next = await this.tokens.withAccessToken(stored, (token) => this.client.payloads(token, webhook!.baseId, webhook!.airtableId, cursor));
        if (next.cursor === cursor) return; // nothing new, whatever mightHaveMore says
        // The id follows from the webhook and the cursor: whoever forwards this page, it is the same event.
        const event = next.payloads.length > 0 ? this.events.event('airtable.changes', changesView(webhook, stored.connection, cursor, next), `evt_${sha256Hex(`${webhook.id}:${cursor}`).slice(0, 24)}`) : undefined;
        if (!(await this.store.advance(webhook.id, lease, cursor, next.cursor, event))) return;
        this.metrics.webhookPayloads.inc(next.payloads.length);
        // Delivered now rather than at the dispatcher's next poll.
        if (event) void this.dispatcher.runOnce();
        if (!next.mightHaveMore) return;
        // Extends the lease for the next page, and reads the cursor as stored.
        webhook = await this.store.lease(webhookId, this.config.fetchLeaseMs, lease);
      }
    } catch (error) {
      // Airtable no longer has it: nothing will come any more, and the app must hear so.
      if (error instanceof AppError && error.code === ErrorCode.NotFound && webhook) return await this.webhooks.expire(webhook, 'gone');
      // Read again after a wait that doubles with each failure in a row, up to the quiet time: sooner
      // than that once Airtable is back, and never ahead of healthy webhooks while it is not.
      end = { retryInMs: Math.min(this.config.quietFetchMs, this.config.jobIntervalMs * 2 ** failures) };
      throw error;
    } finally {
      await this.store.release(webhookId, lease, end).catch(() => undefined);
    }
  }
}
