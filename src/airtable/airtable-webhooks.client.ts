import { Injectable } from '@nestjs/common';
import { invalidResponse } from './airtable-errors';
import { AirtableHttp, type JsonObject } from './airtable-http';

/** Airtable's answer to a create: the MAC secret is given only here. */
export interface CreatedWebhook {
  id: string;
  macSecretBase64: string;
  expiresAt: number;
}

export interface PayloadPage {
  payloads: JsonObject[];
  /** The cursor to ask for next. */
  cursor: number;
  mightHaveMore: boolean;
}

/** Airtable allows at most this many payloads per page. */
export const MAX_PAYLOADS_PER_PAGE = 50;

/** Airtable's webhooks API (`/v0/bases/{baseId}/webhooks`). Every call counts against the base's limit. */
@Injectable()
export class AirtableWebhooksClient {
  constructor(private readonly http: AirtableHttp) {}

  async create(accessToken: string, baseId: string, notificationUrl: string, specification: JsonObject): Promise<CreatedWebhook> {
    const body = await this.http.call(accessToken, { method: 'POST', path: ['bases', baseId, 'webhooks'], json: { notificationUrl, specification }, baseId });
    const { id, macSecretBase64 } = body;
    const expiresAt = time(body.expirationTime);
    if (typeof id !== 'string' || !/^ach[A-Za-z0-9]{14}$/.test(id) || typeof macSecretBase64 !== 'string' || macSecretBase64.length === 0) throw invalidResponse();
    return { id, macSecretBase64, expiresAt };
  }

  /** Extends the webhook by Airtable's 7 days; returns the new expiry. */
  async refresh(accessToken: string, baseId: string, webhookId: string): Promise<number> {
    const body = await this.http.call(accessToken, { method: 'POST', path: ['bases', baseId, 'webhooks', webhookId, 'refresh'], baseId });
    return time(body.expirationTime);
  }

  async delete(accessToken: string, baseId: string, webhookId: string): Promise<void> {
    await this.http.call(accessToken, { method: 'DELETE', path: ['bases', baseId, 'webhooks', webhookId], baseId });
  }

  async payloads(accessToken: string, baseId: string, webhookId: string, cursor: number): Promise<PayloadPage> {
    const query = new URLSearchParams({ cursor: String(cursor), limit: String(MAX_PAYLOADS_PER_PAGE) });
    const body = await this.http.call(accessToken, { path: ['bases', baseId, 'webhooks', webhookId, 'payloads'], query, baseId });
    const { payloads, mightHaveMore } = body;
    const next = body.cursor;
    const valid =
      Array.isArray(payloads) &&
      payloads.every((p) => typeof p === 'object' && p !== null && !Array.isArray(p)) &&
      typeof mightHaveMore === 'boolean' &&
      Number.isSafeInteger(next) &&
      // Cursors only grow, and past every payload given: a page that did not move would be read forever.
      (next as number) >= cursor + payloads.length;
    if (!valid) throw invalidResponse();
    return { payloads: payloads as JsonObject[], cursor: next as number, mightHaveMore };
  }
}

function time(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidResponse();
  return ms;
}
