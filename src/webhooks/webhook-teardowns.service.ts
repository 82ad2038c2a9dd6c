import { Inject, Injectable, Logger } from '@nestjs/common';
import { AirtableOAuthClient } from '../airtable/airtable-oauth.client';
import { AirtableWebhooksClient } from '../airtable/airtable-webhooks.client';
import type { TokenSet } from '../airtable/token-set';
import { AppError, ErrorCode } from '../common/app-error';
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
 * hold one of the 2 places this integration has per base for a week. One instance at a time per
 * deleted connection (a lease), so its tokens are refreshed once. Tried again with backoff (from the
 * job's interval, doubling, up to an hour) until Airtable answers 2xx or 404, or the grant is gone;
 * nothing is sent to the app's receiver.
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
    for (const connectionId of await this.store.dueTeardowns(BATCH)) {
      const leased = await this.store.leaseTeardowns(connectionId, this.config.fetchLeaseMs);
      if (!leased) continue;
      try {
        await this.tearDown(leased.teardowns);
      } finally {
        await this.store.releaseTeardowns(connectionId, leased.lease).catch(() => undefined);
      }
    }
  }

  /** One deleted connection's webhooks, which share its tokens. */
  private async tearDown(teardowns: Teardown[]): Promise<void> {
    let tokens: TokenSet | undefined;
    try {
      tokens = await this.usableTokens(teardowns[0]);
    } catch (error) {
      return this.failedAll(teardowns, error);
    }
    for (const teardown of teardowns) {
      if (!tokens || teardown.ageMs > GIVE_UP_MS) {
        await this.giveUp(teardown, 'its tokens are gone or it is past Airtable’s 7 days');
        continue;
      }
      try {
        await this.client.delete(tokens.accessToken, teardown.baseId, teardown.airtableId);
        await this.store.tornDown(teardown.webhookId);
      } catch (error) {
        await this.failed(teardown, error);
      }
    }
  }

  /** The kept tokens, refreshed first when they near their end (and stored: Airtable rotates them). */
  private async usableTokens(teardown: Teardown | undefined): Promise<TokenSet | undefined> {
    const kept = teardown?.tokens;
    if (!teardown || !kept || kept.expiresAt - REFRESH_MARGIN_MS > this.clock.now() || !kept.refreshToken) return kept;
    const fresh = await this.oauth.refresh(kept.refreshToken);
    const tokens = { ...fresh, refreshToken: fresh.refreshToken ?? kept.refreshToken };
    await this.store.teardownTokens(teardown.connectionId, tokens);
    return tokens;
  }

  private async failedAll(teardowns: Teardown[], error: unknown): Promise<void> {
    for (const teardown of teardowns) await this.failed(teardown, error);
  }

  /** Gone already (404), or the grant no longer reaches it: Airtable disables it within 7 days. Else tried again later. */
  private async failed(teardown: Teardown, error: unknown): Promise<void> {
    if (error instanceof AppError && UNREACHABLE.includes(error.code)) return this.giveUp(teardown, error.code);
    await this.store.teardownFailed(teardown.webhookId, Math.min(MAX_RETRY_MS, this.config.jobIntervalMs * 2 ** teardown.attempts));
  }

  private async giveUp(teardown: Teardown, reason: string): Promise<void> {
    if (reason !== ErrorCode.NotFound) this.logger.warn(`Webhook ${teardown.webhookId} of a deleted connection is left to Airtable to disable (${reason})`);
    await this.store.tornDown(teardown.webhookId);
  }
}
