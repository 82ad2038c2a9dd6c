import { Inject, Injectable, Logger } from '@nestjs/common';
import { AirtableWebhooksClient } from '../airtable/airtable-webhooks.client';
import { AppError, ErrorCode } from '../common/app-error';
import { randomToken } from '../common/random';
import { webhooksConfig, type WebhooksConfig } from '../config/webhooks.config';
import type { StoredConnection } from '../connections/connection.store';
import { TokenService } from '../connections/token.service';
import { EventsService } from '../events/events.service';
import { webhookView } from './webhook-views';
import { type Webhook, WEBHOOK_ID, WebhookStore } from './webhook.store';

/** Airtable lets one OAuth integration have this many webhooks per base. */
export const WEBHOOKS_PER_BASE = 2;

/** The scopes Airtable needs for each kind of change a webhook watches. */
const SCOPES_FOR_DATA_TYPE: Record<string, string> = { tableData: 'data.records:read', tableFields: 'schema.bases:read', tableMetadata: 'schema.bases:read' };

/** What Airtable answers when this connection can no longer delete the webhook there. */
export const UNREACHABLE = [ErrorCode.NotFound, ErrorCode.ReauthRequired, ErrorCode.BaseNotAccessible, ErrorCode.InsufficientScope];

export type ExpiryReason = 'not_refreshed' | 'refused' | 'gone';

/** Making, listing and deleting a connection's webhooks, and marking one expired. */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly store: WebhookStore,
    private readonly tokens: TokenService,
    private readonly client: AirtableWebhooksClient,
    private readonly events: EventsService,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
  ) {}

  /** `specification` is already checked. Every refusal that can be known here comes before any call. */
  async create(stored: StoredConnection, baseId: string, specification: Record<string, unknown>): Promise<Webhook> {
    const { connection } = stored;
    const dataTypes = ((specification.options as { filters: { dataTypes: string[] } }).filters.dataTypes);
    for (const scope of ['webhook:manage', ...dataTypes.map((type) => SCOPES_FOR_DATA_TYPE[type])]) {
      if (!connection.scopes.includes(scope)) {
        throw new AppError(ErrorCode.InsufficientScope, { message: `This connection was not granted ${scope}, which this webhook needs. Connect again with it.` });
      }
    }
    if (!this.events.enabled) throw new AppError(ErrorCode.EventsNotConfigured);
    if ((await this.store.countForBase(baseId)) >= WEBHOOKS_PER_BASE) throw new AppError(ErrorCode.WebhookLimitReached);
    const id = `whk_${randomToken().slice(0, 24)}`;
    const notificationUrl = `${this.config.publicUrl}/airtable-webhooks/${id}`;
    const created = await this.tokens
      .withAccessToken(stored, (token) => this.client.create(token, baseId, notificationUrl, specification))
      .catch((error: unknown) => {
        // Airtable's own limits, met by creates racing past the count above or by other apps' webhooks on the base.
        if (error instanceof AppError && String(error.details?.airtableError).startsWith('TOO_MANY_WEBHOOKS')) throw new AppError(ErrorCode.WebhookLimitReached);
        throw error;
      });
    try {
      await this.store.create({
        id, airtableId: created.id, connectionId: connection.id, baseId, specification,
        expiresAt: created.expiresAt, macSecretBase64: created.macSecretBase64,
      });
    } catch (error) {
      // Not kept means never refreshed or read: remove it at Airtable rather than leave it taking a place.
      await this.tokens.withAccessToken(stored, (token) => this.client.delete(token, baseId, created.id)).catch(() => undefined);
      throw error;
    }
    return (await this.store.get(id))!;
  }

  list(connectionId: string): Promise<Webhook[]> {
    return this.store.list(connectionId);
  }

  /**
   * Deletes it at Airtable, then here. One Airtable no longer lets this connection reach (the grant
   * revoked, the base taken out of it) is only forgotten here: Airtable disables it within 7 days.
   */
  async delete(stored: StoredConnection, webhookId: string): Promise<void> {
    const webhook = await this.owned(stored, webhookId);
    try {
      await this.tokens.withAccessToken(stored, (token) => this.client.delete(token, webhook.baseId, webhook.airtableId));
    } catch (error) {
      if (!(error instanceof AppError && UNREACHABLE.includes(error.code))) throw error;
    }
    await this.store.delete(webhook.id);
  }

  /** Marks it expired and tells the app, once, in one transaction with the change. */
  async expire(webhook: Webhook, reason: ExpiryReason): Promise<void> {
    const event = this.events.event('webhook.expired', { ...webhookView({ ...webhook, status: 'expired' }), reason });
    if (await this.store.expire(webhook.id, event)) this.logger.warn(`Webhook ${webhook.id} expired (${reason})`);
  }

  private async owned(stored: StoredConnection, webhookId: string): Promise<Webhook> {
    const webhook = WEBHOOK_ID.test(webhookId) ? await this.store.get(webhookId) : undefined;
    if (!webhook || webhook.connectionId !== stored.connection.id) throw new AppError(ErrorCode.WebhookNotFound);
    return webhook;
  }
}
