import type { PayloadPage } from '../airtable/airtable-webhooks.client';
import type { Connection } from '../connections/connection.store';
import type { Webhook } from './webhook.store';

/** A webhook as the API and its events show it: never its MAC secret. */
export function webhookView(webhook: Webhook): Record<string, unknown> {
  return {
    id: webhook.id,
    airtableWebhookId: webhook.airtableId,
    connectionId: webhook.connectionId,
    baseId: webhook.baseId,
    status: webhook.status,
    specification: webhook.specification,
    expiresAt: new Date(webhook.expiresAt).toISOString(),
    createdAt: new Date(webhook.createdAt).toISOString(),
    ...(webhook.lastPingAt === undefined ? {} : { lastPingAt: new Date(webhook.lastPingAt).toISOString() }),
  };
}

/** The data of an `airtable.changes` event: one page of payloads, in Airtable's own format. */
export function changesView(webhook: Webhook, connection: Connection, cursor: number, page: PayloadPage): Record<string, unknown> {
  return {
    connectionId: connection.id,
    ...(connection.endUserId ? { endUserId: connection.endUserId } : {}),
    baseId: webhook.baseId,
    webhookId: webhook.id,
    airtableWebhookId: webhook.airtableId,
    cursor,
    nextCursor: page.cursor,
    payloads: page.payloads,
  };
}
