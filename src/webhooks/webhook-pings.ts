import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode } from '../common/app-error';
import { Metrics } from '../metrics/metrics';
import { WEBHOOK_ID, WebhookStore } from './webhook.store';

const MAC_HEADER = /^hmac-sha256=([0-9a-fA-F]{64})$/;
/** Airtable's pings are about 150 bytes; anything much larger is not one. */
const MAX_PING_BYTES = 4096;

/** `hmac-sha256=<hex>`: HMAC-SHA256 of the raw body, keyed with the base64-decoded MAC secret; compared in constant time. */
export function validMac(macSecret: Buffer, body: Buffer, header: string | undefined): boolean {
  const match = MAC_HEADER.exec(header ?? '');
  if (!match) return false;
  return timingSafeEqual(createHmac('sha256', macSecret).update(body).digest(), Buffer.from(match[1], 'hex'));
}

/**
 * Takes Airtable's notifications. A ping carries no changes, only that there are some: a valid one
 * marks its webhook due for a read (durably, so the read happens even if this instance dies now).
 * Anything else (unknown webhook, no or a wrong MAC, a body of another webhook) gets one answer and
 * changes nothing.
 */
@Injectable()
export class WebhookPings {
  constructor(
    private readonly store: WebhookStore,
    private readonly metrics: Metrics,
  ) {}

  async accept(webhookId: string, body: Buffer | undefined, macHeader: string | undefined): Promise<void> {
    if (!(await this.valid(webhookId, body, macHeader))) {
      this.metrics.webhookPings.inc({ result: 'refused' });
      throw new AppError(ErrorCode.InvalidWebhookSignature);
    }
    this.metrics.webhookPings.inc({ result: 'accepted' });
    await this.store.pinged(webhookId);
  }

  private async valid(webhookId: string, body: Buffer | undefined, macHeader: string | undefined): Promise<boolean> {
    if (!WEBHOOK_ID.test(webhookId) || !body || body.length > MAX_PING_BYTES || !MAC_HEADER.test(macHeader ?? '')) return false;
    const found = await this.store.withMacSecret(webhookId);
    if (!found || !validMac(found.macSecret, body, macHeader)) return false;
    let ping: { base?: { id?: unknown }; webhook?: { id?: unknown } };
    try {
      ping = JSON.parse(body.toString('utf8')) as typeof ping;
    } catch {
      return false;
    }
    return ping?.webhook?.id === found.webhook.airtableId && ping?.base?.id === found.webhook.baseId;
  }
}
