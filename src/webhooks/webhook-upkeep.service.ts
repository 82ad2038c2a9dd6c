import { Inject, Injectable, Logger } from '@nestjs/common';
import { AirtableWebhooksClient } from '../airtable/airtable-webhooks.client';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import { PeriodicJob } from '../common/periodic-job';
import { webhooksConfig, type WebhooksConfig } from '../config/webhooks.config';
import { ConnectionStore } from '../connections/connection.store';
import { TokenService } from '../connections/token.service';
import { Metrics } from '../metrics/metrics';
import { WebhookFetcher } from './webhook-fetcher.service';
import { type Webhook, WebhookStore } from './webhook.store';
import { WebhookTeardowns } from './webhook-teardowns.service';
import { WebhooksService } from './webhooks.service';

const BATCH = 100;

/**
 * The periodic job of every instance: reads the webhooks that were pinged and not read yet (the
 * instance that took the ping died) or that were quiet too long (a ping was lost), and refreshes
 * each webhook well before Airtable's 7 days run out. One that cannot be refreshed in time, or that
 * Airtable refuses to refresh, is reported with a `webhook.expired` event. It also deletes at Airtable
 * the webhooks of deleted connections.
 */
@Injectable()
export class WebhookUpkeep extends PeriodicJob {
  private readonly logger = new Logger(WebhookUpkeep.name);

  constructor(
    private readonly store: WebhookStore,
    private readonly connections: ConnectionStore,
    private readonly tokens: TokenService,
    private readonly client: AirtableWebhooksClient,
    private readonly fetcher: WebhookFetcher,
    private readonly webhooks: WebhooksService,
    private readonly teardowns: WebhookTeardowns,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
  ) {
    super();
  }

  protected interval(): number {
    return this.config.jobIntervalMs;
  }

  protected async pass(): Promise<void> {
    await this.work().catch(() => this.logger.warn('The webhook upkeep could not read its store; the next pass will try again'));
  }

  private async work(): Promise<void> {
    for (const id of await this.store.dueForFetch(this.config.quietFetchMs, BATCH)) await this.fetcher.fetch(id);
    for (const webhook of await this.store.dueForRefresh(this.clock.now() + this.config.refreshBeforeMs, BATCH)) await this.refresh(webhook);
    await this.teardowns.run();
  }

  private async refresh(webhook: Webhook): Promise<void> {
    // The fetch lease also keeps two instances from refreshing one webhook at once.
    const leased = await this.store.lease(webhook.id, this.config.fetchLeaseMs);
    if (!leased) return;
    try {
      const stored = await this.connections.load(webhook.connectionId);
      if (!stored) return;
      const expiresAt = await this.tokens.withAccessToken(stored, (token) => this.client.refresh(token, webhook.baseId, webhook.airtableId));
      await this.store.refreshed(webhook.id, expiresAt);
      this.metrics.webhookRefreshes.inc({ outcome: 'refreshed' });
    } catch (error) {
      // Only "gone" and "disabled" are final; any other refusal may pass, and is tried again until the expiry.
      const refused = error instanceof AppError && (error.code === ErrorCode.NotFound || error.details?.airtableError === 'CANNOT_REFRESH_DISABLED_WEBHOOK');
      if (refused || this.clock.now() >= webhook.expiresAt) {
        this.metrics.webhookRefreshes.inc({ outcome: 'expired' });
        await this.webhooks.expire(webhook, refused ? 'refused' : 'not_refreshed');
      } else {
        // A passing failure (Airtable down, the connection mid-refresh): the next pass tries again, well before expiry.
        this.metrics.webhookRefreshes.inc({ outcome: 'failed' });
        this.logger.warn(`Refreshing webhook ${webhook.id} failed (${error instanceof AppError ? error.code : 'unexpected error'}); it is tried again`);
      }
    } finally {
      await this.store.release(webhook.id, leased.lease, undefined).catch(() => undefined);
    }
  }
}
