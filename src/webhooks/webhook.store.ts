import type { AppEvent } from '../events/outbox.store';

/** The service's ids for webhooks: random, so the notification URL that carries one cannot be guessed. */
export const WEBHOOK_ID = /^whk_[A-Za-z0-9_-]{24}$/;

/** An Airtable webhook the service made for a connection, as the API shows it (never its MAC secret). */
export interface Webhook {
  id: string;
  airtableId: string;
  connectionId: string;
  baseId: string;
  specification: Record<string, unknown>;
  /** The next payload cursor to read. */
  cursor: number;
  /** `expired`: Airtable disabled it (not refreshed in time, or refused a refresh); it sends nothing more. */
  status: 'active' | 'expired';
  expiresAt: number;
  createdAt: number;
  lastPingAt?: number;
}

export type NewWebhook = Pick<Webhook, 'id' | 'airtableId' | 'connectionId' | 'baseId' | 'specification' | 'expiresAt'> & { macSecretBase64: string };

/**
 * Webhooks, durable (SQL): the MAC secret is shown by Airtable only once, and the cursor says which
 * changes were forwarded, so both must outlive any instance.
 */
export abstract class WebhookStore {
  /** Stores a new webhook, its MAC secret sealed and bound to its id. */
  abstract create(webhook: NewWebhook): Promise<void>;
  abstract get(id: string): Promise<Webhook | undefined>;
  /** The webhook with its opened MAC secret, to check a ping; undefined when unknown or unreadable. */
  abstract withMacSecret(id: string): Promise<{ webhook: Webhook; macSecret: Buffer } | undefined>;
  abstract list(connectionId: string): Promise<Webhook[]>;
  /** How many webhooks of this service a base has: Airtable lets one integration have only 2. */
  abstract countForBase(baseId: string): Promise<number>;
  abstract delete(id: string): Promise<void>;
  /** A valid ping: the webhook's payloads are due for a fetch. */
  abstract pinged(id: string): Promise<void>;
  /** Makes `owner` the only fetcher of an active webhook for `leaseMs`; undefined while another holds it. */
  abstract lease(id: string, owner: string, leaseMs: number): Promise<Webhook | undefined>;
  /**
   * Moves the cursor from `from` to `to` and puts `event` in the outbox, in one transaction, only
   * while `owner` holds the lease and the cursor is still `from`: a change is forwarded once or not
   * at all. False when the lease was lost.
   */
  abstract advance(id: string, owner: string, from: number, to: number, event: AppEvent | undefined): Promise<boolean>;
  /** Ends `owner`'s lease; `fetchedAt` (when the read started) for a read that is over, not one cut short with pages left. */
  abstract release(id: string, owner: string, fetchedAt?: number): Promise<void>;
  /** Active webhooks of active connections pinged since their last read, or not read for `quietMs` (a ping may be lost). */
  abstract dueForFetch(quietMs: number, limit: number): Promise<string[]>;
  /** Active webhooks that expire before `before`, soonest first. */
  abstract dueForRefresh(before: number, limit: number): Promise<Webhook[]>;
  abstract refreshed(id: string, expiresAt: number): Promise<void>;
  /** Marks an active webhook expired and puts `event` in the outbox, in one transaction; false if it was not active. */
  abstract expire(id: string, event: AppEvent | undefined): Promise<boolean>;
}
