import { Inject, Injectable, Logger } from '@nestjs/common';
import { AirtableOAuthClient } from '../airtable/airtable-oauth.client';
import { AirtableWebhooksClient } from '../airtable/airtable-webhooks.client';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { webhooksConfig, type WebhooksConfig } from '../config/webhooks.config';
import { type Teardown, WebhookStore } from './webhook.store';
import { UNREACHABLE } from './webhooks.service';

const BATCH = 100;
const MAX_RETRY_MS = 60 * 60_000;
/** Airtable disables a webhook that is not refreshed within 7 days: past that there is nothing left to delete. */
const GIVE_UP_MS = 7 * 24 * 60 * 60_000;
/** Tokens this close to their end are refreshed first. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * Deletes at Airtable the webhooks of deleted connections (the upkeep runs it): otherwise each would
 * hold one of the 2 places this integration has per base for a week. Tried again with backoff (from
 * the job's interval, doubling, up to an hour) until
 * Airtable answers 2xx or 404, or the grant is gone; nothing is sent to the app's receiver.
 */
@Injectable()
export class WebhookTeardowns {
  private readonly logger = new Logger(WebhookTeardowns.name);

  constructor(
    private readonly store: WebhookStore,
    private readonly client: AirtableWebhooksClient,
    private readonly oauth: AirtableOAuthClient,
    private readonly clock: Clock,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
  ) {}

  async run(): Promise<void> {
    for (const teardown of await this.store.dueTeardowns(BATCH)) await this.tearDown(teardown);
  }

  private async tearDown(teardown: Teardown): Promise<void> {
    if (!teardown.tokens || teardown.ageMs > GIVE_UP_MS) return this.giveUp(teardown, 'its tokens are gone or it is past Airtable’s 7 days');
    try {
      let tokens = teardown.tokens;
      if (tokens.expiresAt - REFRESH_MARGIN_MS <= this.clock.now() && tokens.refreshToken) {
        tokens = await this.oauth.refresh(tokens.refreshToken);
        await this.store.teardownTokens(teardown.connectionId, { ...tokens, refreshToken: tokens.refreshToken ?? teardown.tokens.refreshToken });
      }
      await this.client.delete(tokens.accessToken, teardown.baseId, teardown.airtableId);
      await this.store.tornDown(teardown.webhookId);
    } catch (error) {
      // Gone already (404), or the grant no longer reaches it: Airtable disables it within 7 days.
      if (error instanceof AppError && UNREACHABLE.includes(error.code)) return this.giveUp(teardown, error.code);
      await this.store.teardownFailed(teardown.webhookId, Math.min(MAX_RETRY_MS, this.config.jobIntervalMs * 2 ** teardown.attempts));
    }
  }

  private async giveUp(teardown: Teardown, reason: string): Promise<void> {
    if (reason !== 'not_found') this.logger.warn(`Webhook ${teardown.webhookId} of a deleted connection is left to Airtable to disable (${reason})`);
    await this.store.tornDown(teardown.webhookId);
  }
}
