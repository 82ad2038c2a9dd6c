import type { TokenSet } from '../airtable/token-set';
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
  /** Reads that failed in a row since the last one that worked. */
  failures: number;
}

/**
 * A webhook under this caller's fetch lease: `lease` is the fencing token, `leasedAt` the database's
 * time it was taken, `readAt` when a read last read everything.
 */
export type LeasedWebhook = Webhook & { lease: string; leasedAt: number; readAt: number };

/** How a read under a lease ended: everything read (as of when it started), failed (tried again after `retryInMs`), or cut short with pages left. */
export type ReadEnd = { readAt: number } | { retryInMs: number } | undefined;

/** A webhook of a deleted connection, still to delete at Airtable, with the tokens kept only for that. */
export interface Teardown {
  webhookId: string;
  connectionId: string;
  airtableId: string;
  baseId: string;
  /** Undefined when no key opens them any more: it cannot be deleted, and is given up. */
  tokens?: TokenSet;
  attempts: number;
  ageMs: number;
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
  /**
   * How many webhooks of this service a base has at Airtable, those of deleted connections not yet
   * deleted there included: Airtable lets one integration have only 2.
   */
  abstract countForBase(baseId: string): Promise<number>;
  abstract delete(id: string): Promise<void>;
  /** A valid ping: the webhook's payloads are due for a fetch. */
  abstract pinged(id: string): Promise<void>;
  /**
   * Makes the caller the only fetcher of an active webhook for `leaseMs` (the database's time), or
   * extends the lease `lease` holds, and reads the webhook as stored; undefined while another holds it.
   */
  abstract lease(id: string, leaseMs: number, lease?: string): Promise<LeasedWebhook | undefined>;
  /**
   * Moves the cursor from `from` to `to` and puts `event` in the outbox, in one transaction, only
   * while `lease` still holds the webhook and the cursor is still `from`: a change is forwarded once or
   * not at all. False when the lease was lost.
   */
  abstract advance(id: string, lease: string, from: number, to: number, event: AppEvent | undefined): Promise<boolean>;
  /** Ends the lease, recording how the read ended. */
  abstract release(id: string, lease: string, end: ReadEnd): Promise<void>;
  /**
   * Active webhooks of active connections that nobody is reading and that are not backing off after a
   * failure: pinged since their last read, failed before, or not read for `quietMs` (a ping may be lost).
   */
  abstract dueForFetch(quietMs: number, limit: number): Promise<string[]>;
  /** Active webhooks that expire before `before`, soonest first. */
  abstract dueForRefresh(before: number, limit: number): Promise<Webhook[]>;
  abstract refreshed(id: string, expiresAt: number): Promise<void>;
  /** Marks an active webhook expired and puts `event` in the outbox, in one transaction; false if it was not active. */
  abstract expire(id: string, event: AppEvent | undefined): Promise<boolean>;
  /** Deleted connections that have webhooks whose deletion at Airtable is due, oldest first. */
  abstract dueTeardowns(limit: number): Promise<string[]>;
  /**
   * Makes the caller the only one deleting a deleted connection's webhooks for `leaseMs` (its tokens
   * are refreshed once, by one instance), and reads them as stored now; undefined while another holds it.
   */
  abstract leaseTeardowns(connectionId: string, leaseMs: number): Promise<{ lease: string; teardowns: Teardown[] } | undefined>;
  abstract releaseTeardowns(connectionId: string, lease: string): Promise<void>;
  /** Airtable deleted it (or no longer has it): nothing is left of it. */
  abstract tornDown(webhookId: string): Promise<void>;
  abstract teardownFailed(webhookId: string, retryInMs: number): Promise<void>;
  /** Tokens refreshed for the teardowns of a deleted connection: Airtable rotates them at every refresh. */
  abstract teardownTokens(connectionId: string, tokens: TokenSet): Promise<void>;
}
