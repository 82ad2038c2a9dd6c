/**
 * Airtable's webhooks, kept in memory: what each one watches, its payloads, its expiry and its pings.
 *
 * Where Airtable does not document a behaviour, the sandbox chooses (one place to change each):
 * - Spec errors are 422 INVALID_WEBHOOK_SPECIFICATION (unknown keys inside `specification` included);
 *   unknown top-level keys and a body that is no object are 422 INVALID_REQUEST_UNKNOWN; malformed JSON 400.
 * - Optional lists in a specification (changeTypes, fromSources, watch...FieldIds, includeCellValuesInFieldIds)
 *   must be non-empty and without repeats; field ids must belong to the base (to the table of recordChangeScope
 *   when it is set); recordChangeScope is a table id only (no view ids).
 * - The shape of a specification is checked before the scopes its dataTypes need (403 INVALID_PERMISSIONS),
 *   and both before the limits.
 * - notificationUrl: https anywhere, or http to 127.0.0.1 / localhost / [::1] only, no credentials in it;
 *   else 422 INVALID_NOTIFICATION_URL.
 * - Limits: the integration's 2 per base is checked first (422 TOO_MANY_WEBHOOKS_BY_OAUTH_INTEGRATION_IN_BASE),
 *   then 10 per base (422 TOO_MANY_WEBHOOKS_IN_BASE); expired webhooks count until deleted.
 * - Creating needs the base's `create` permission level; listing, deleting, refreshing and reading payloads
 *   need access to the base and a webhook of the same integration (another's is 404 NOT_FOUND).
 * - An expired webhook stays listed (isHookEnabled false) until deleted; it gets no payloads and no pings, its
 *   payloads can still be read (without extending anything), and refreshing it is 422 CANNOT_REFRESH_DISABLED_WEBHOOK.
 * - areNotificationsEnabled: the webhook has a notificationUrl and is enabled (Airtable's turning off after
 *   long failures is not modelled).
 * - Payloads: one per write request and webhook, only for `tableData` (the sandbox has no schema writes);
 *   source `publicApi`. baseTransactionNumber counts the base's writes that changed something, from 1.
 *   watchDataInFieldIds narrows updates only: created and destroyed records are always reported (changeTypes
 *   permitting). A changed record's `current` (and `previous`) hold every changed cell, null for an empty one;
 *   `unchanged` is there when includeCellValuesInFieldIds is set. Created records carry every non-empty cell.
 *   Sections with nothing in them are left out.
 * - Payload cursors: missing = 1; a cursor past cursorForNextPayload is 422 INVALID_REQUEST_UNKNOWN; an answer
 *   with no payloads gives cursorForNextPayload as the next cursor.
 * - Pings: a new timestamp (and MAC) per attempt; a 2xx answer is success, redirects are not followed; after
 *   the last retry delay the ping is given up (lastNotificationResult says so).
 */
import { randomBytes } from 'node:crypto';
import { notFound, unprocessable } from './sandbox-api-error';
import type { SandboxUser } from './sandbox-data';
import { freshId } from './sandbox-random';
import type { SandboxRecordStore } from './sandbox-record-store';
import { payloadFor, transactionLinkNames, type WebhookPayload } from './sandbox-webhook-payloads';
import { type NotificationResult, type PingSender, type SentPing, WebhookPinger } from './sandbox-webhook-pings';
import type { WebhookInput, WebhookSpecification } from './sandbox-webhook-spec';
import type { WriteTransaction } from './sandbox-write-transaction';
import type { SandboxOptions } from './sandbox.options';

export const MAX_WEBHOOKS_PER_BASE = 10;
export const MAX_WEBHOOKS_PER_INTEGRATION_IN_BASE = 2;
export const MAX_PAYLOADS_PER_PAGE = 50;

interface StoredPayload {
  cursor: number;
  addedAt: number;
  payload: WebhookPayload;
}

export interface Webhook {
  id: string;
  baseId: string;
  /** The OAuth integration that made it: the only one that sees it. */
  clientId: string;
  notificationUrl: string | null;
  specification: WebhookSpecification;
  macSecretBase64: string;
  expiresAt: number;
  payloads: StoredPayload[];
  cursorForNextPayload: number;
  lastNotificationResult: NotificationResult | null;
  lastSuccessfulNotificationTime: string | null;
}

/** A webhook as `GET /v0/bases/{baseId}/webhooks` lists it. */
export interface WebhookJson {
  id: string;
  specification: WebhookSpecification;
  notificationUrl: string | null;
  cursorForNextPayload: number;
  areNotificationsEnabled: boolean;
  lastNotificationResult: NotificationResult | null;
  expirationTime: string;
  isHookEnabled: boolean;
  lastSuccessfulNotificationTime: string | null;
}

/** A webhook's whole state, for tests; `expirationTime` is an ISO string, as in the API. */
export interface WebhookState extends WebhookJson {
  baseId: string;
  clientId: string;
  /** Airtable gives it only at creation; tests sign pings of their own with it. */
  macSecretBase64: string;
  enabled: boolean;
  payloadCount: number;
}

export interface PayloadPage {
  payloads: WebhookPayload[];
  cursor: number;
  mightHaveMore: boolean;
}

/** What a restart must keep of the webhooks, for the data file. */
export interface WebhooksState {
  hooks: Webhook[];
  /** The last baseTransactionNumber of each base. */
  transactionNumbers: Array<[string, number]>;
}

type WebhookOptions = Pick<SandboxOptions, 'webhookTtlMs' | 'payloadTtlMs' | 'pingRetryDelaysMs' | 'pingTimeoutMs' | 'clock'>;

/**
 * The webhooks of every base. Write transactions come in through `record`; the HTTP routes
 * (`SandboxWebhooksApi`) call the rest after their access checks. Tests reach it as `sandbox.webhooks`.
 */
export class SandboxWebhooks {
  private readonly hooks = new Map<string, Webhook>();
  private readonly transactionNumbers = new Map<string, number>();
  private readonly pinger: WebhookPinger;
  /** Hears of changes made outside any request: a test control's, or a ping's result. */
  private readonly changed: () => void;

  constructor(
    private readonly options: WebhookOptions,
    private readonly user: SandboxUser,
    private readonly store: SandboxRecordStore,
    { send, changed }: { send?: PingSender; changed?: () => void } = {},
  ) {
    this.changed = changed ?? (() => undefined);
    const pingOptions = { retryDelaysMs: options.pingRetryDelaysMs, timeoutMs: options.pingTimeoutMs };
    this.pinger = new WebhookPinger(pingOptions, { target: (id) => this.pingTarget(id), onResult: (id, result) => this.noted(id, result) }, send);
  }

  create(baseId: string, clientId: string, input: WebhookInput, now = this.now()): { id: string; macSecretBase64: string; expirationTime: string } {
    const inBase = [...this.hooks.values()].filter((hook) => hook.baseId === baseId);
    if (inBase.filter((hook) => hook.clientId === clientId).length >= MAX_WEBHOOKS_PER_INTEGRATION_IN_BASE) {
      throw unprocessable(
        'TOO_MANY_WEBHOOKS_BY_OAUTH_INTEGRATION_IN_BASE',
        `An OAuth integration can create at most ${MAX_WEBHOOKS_PER_INTEGRATION_IN_BASE} webhooks per base.`,
      );
    }
    if (inBase.length >= MAX_WEBHOOKS_PER_BASE) {
      throw unprocessable('TOO_MANY_WEBHOOKS_IN_BASE', `A base can have at most ${MAX_WEBHOOKS_PER_BASE} webhooks.`);
    }
    let id: string;
    do id = freshId('ach');
    while (this.hooks.has(id));
    const hook: Webhook = {
      id,
      baseId,
      clientId,
      ...input,
      macSecretBase64: randomBytes(32).toString('base64'),
      expiresAt: now + this.options.webhookTtlMs,
      payloads: [],
      cursorForNextPayload: 1,
      lastNotificationResult: null,
      lastSuccessfulNotificationTime: null,
    };
    this.hooks.set(id, hook);
    return { id, macSecretBase64: hook.macSecretBase64, expirationTime: iso(hook.expiresAt) };
  }

  list(baseId: string, clientId: string, now = this.now()): WebhookJson[] {
    return [...this.hooks.values()].filter((hook) => hook.baseId === baseId && hook.clientId === clientId).map((hook) => this.json(hook, now));
  }

  delete(baseId: string, clientId: string, webhookId: string): void {
    this.own(baseId, clientId, webhookId);
    this.hooks.delete(webhookId);
    this.pinger.forget(webhookId);
  }

  refresh(baseId: string, clientId: string, webhookId: string, now = this.now()): { expirationTime: string } {
    const hook = this.own(baseId, clientId, webhookId);
    if (!enabled(hook, now)) throw unprocessable('CANNOT_REFRESH_DISABLED_WEBHOOK', 'The webhook has expired and is disabled; create a new one.');
    hook.expiresAt = now + this.options.webhookTtlMs;
    return { expirationTime: iso(hook.expiresAt) };
  }

  /** Payloads from `cursor` on; reading them keeps an enabled webhook alive, as in Airtable. */
  payloads(baseId: string, clientId: string, webhookId: string, cursor: number, limit: number, now = this.now()): PayloadPage {
    const hook = this.own(baseId, clientId, webhookId);
    if (cursor > hook.cursorForNextPayload) {
      throw unprocessable('INVALID_REQUEST_UNKNOWN', `cursor ${cursor} is past the next payload's cursor (${hook.cursorForNextPayload}).`);
    }
    this.dropOldPayloads(hook, now);
    if (enabled(hook, now)) hook.expiresAt = now + this.options.webhookTtlMs;
    const from = hook.payloads.findIndex((stored) => stored.cursor >= cursor);
    const page = from === -1 ? [] : hook.payloads.slice(from, from + limit);
    const last = page.at(-1);
    return {
      payloads: page.map((stored) => stored.payload),
      cursor: last ? last.cursor + 1 : hook.cursorForNextPayload,
      mightHaveMore: last !== undefined && last.cursor < hook.payloads.at(-1)!.cursor,
    };
  }

  /** A successful write: one payload for each enabled webhook of its base that watches any of its changes. */
  record(transaction: WriteTransaction, now = this.now()): void {
    const baseId = transaction.base.id;
    const baseTransactionNumber = (this.transactionNumbers.get(baseId) ?? 0) + 1;
    this.transactionNumbers.set(baseId, baseTransactionNumber);
    const context = { baseTransactionNumber, user: this.user, linkedName: transactionLinkNames(this.store, transaction) };
    for (const hook of this.hooks.values()) {
      if (hook.baseId !== baseId || !enabled(hook, now)) continue;
      const payload = payloadFor(hook.specification, transaction, context);
      if (!payload) continue;
      this.dropOldPayloads(hook, now);
      hook.payloads.push({ cursor: hook.cursorForNextPayload++, addedAt: now, payload });
      if (hook.notificationUrl !== null) this.pinger.notify(hook.id);
    }
  }

  /** Test control: while paused no ping is sent; the ones owed go out on `pausePings(false)`. */
  pausePings(paused: boolean): void {
    this.pinger.pause(paused);
  }

  /** Test control: every webhook of every base and integration, with its state. */
  all(now = this.now()): WebhookState[] {
    return [...this.hooks.values()].map((hook) => ({
      ...this.json(hook, now),
      baseId: hook.baseId,
      clientId: hook.clientId,
      macSecretBase64: hook.macSecretBase64,
      enabled: enabled(hook, now),
      payloadCount: hook.payloads.length,
    }));
  }

  /** Test control: the webhook expires now, as if its 7 days had passed. */
  expire(webhookId: string, now = this.now()): void {
    const hook = this.hooks.get(webhookId);
    if (!hook) throw new Error(`The sandbox has no webhook ${webhookId}`);
    hook.expiresAt = Math.min(hook.expiresAt, now);
    this.pinger.forget(webhookId);
    this.changed();
  }

  /** Test control: the pings sent, oldest first, with the receiver's status (none when it did not answer). */
  get pings(): readonly SentPing[] {
    return this.pinger.sent;
  }

  /** Stops every ping and retry, so nothing keeps running after the sandbox closes. */
  close(): void {
    this.pinger.close();
  }

  /** Every webhook with its payloads, cursor and MAC secret, and each base's transaction count. */
  snapshot(): WebhooksState {
    return { hooks: [...this.hooks.values()], transactionNumbers: [...this.transactionNumbers] };
  }

  /** A ping that was to be retried when the state was saved is sent again. */
  restore(state: WebhooksState): void {
    for (const id of this.hooks.keys()) this.pinger.forget(id);
    this.hooks.clear();
    this.transactionNumbers.clear();
    for (const hook of state.hooks) this.hooks.set(hook.id, hook);
    for (const [baseId, count] of state.transactionNumbers) this.transactionNumbers.set(baseId, count);
    for (const hook of state.hooks) if (hook.lastNotificationResult?.willBeRetried) this.pinger.notify(hook.id);
  }

  private own(baseId: string, clientId: string, webhookId: string): Webhook {
    const hook = this.hooks.get(webhookId);
    if (!hook || hook.baseId !== baseId || hook.clientId !== clientId) throw notFound();
    return hook;
  }

  private json(hook: Webhook, now: number): WebhookJson {
    const isHookEnabled = enabled(hook, now);
    return {
      id: hook.id,
      specification: hook.specification,
      notificationUrl: hook.notificationUrl,
      cursorForNextPayload: hook.cursorForNextPayload,
      areNotificationsEnabled: isHookEnabled && hook.notificationUrl !== null,
      lastNotificationResult: hook.lastNotificationResult,
      expirationTime: iso(hook.expiresAt),
      isHookEnabled,
      lastSuccessfulNotificationTime: hook.lastSuccessfulNotificationTime,
    };
  }

  private pingTarget(webhookId: string) {
    const hook = this.hooks.get(webhookId);
    if (!hook || hook.notificationUrl === null || !enabled(hook, this.now())) return undefined;
    return { baseId: hook.baseId, webhookId, notificationUrl: hook.notificationUrl, macSecretBase64: hook.macSecretBase64 };
  }

  private noted(webhookId: string, result: NotificationResult): void {
    const hook = this.hooks.get(webhookId);
    if (!hook) return;
    hook.lastNotificationResult = result;
    if (result.success) hook.lastSuccessfulNotificationTime = result.completionTimestamp;
    this.changed();
  }

  private now(): number {
    return this.options.clock.now();
  }

  /** Airtable keeps payloads for a while (7 days), not forever. */
  private dropOldPayloads(hook: Webhook, now: number): void {
    const keptFrom = hook.payloads.findIndex((stored) => now - stored.addedAt < this.options.payloadTtlMs);
    hook.payloads.splice(0, keptFrom === -1 ? hook.payloads.length : keptFrom);
  }
}

function enabled(hook: Webhook, now: number): boolean {
  return now < hook.expiresAt;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
