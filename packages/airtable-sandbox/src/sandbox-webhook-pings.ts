import { createHmac } from 'node:crypto';

/** Where and how to ping one webhook now; undefined when it should not be pinged (gone, disabled, no URL). */
export interface PingTarget {
  baseId: string;
  webhookId: string;
  notificationUrl: string;
  macSecretBase64: string;
}

/** Airtable's `lastNotificationResult`. */
export interface NotificationResult {
  success: boolean;
  error?: { message: string };
  willBeRetried?: boolean;
  completionTimestamp: string;
  durationMs: number;
  retryNumber: number;
}

/** A ping the sandbox sent, for tests: what went out and how the receiver answered (no status: no answer). */
export interface SentPing {
  webhookId: string;
  url: string;
  body: string;
  mac: string;
  retryNumber: number;
  status?: number;
  success: boolean;
  error?: string;
}

/** Sends one ping; resolves with the HTTP status, rejects when no answer came (refused, timed out, aborted). */
export type PingSender = (url: string, body: string, headers: Record<string, string>, signal: AbortSignal) => Promise<number>;

export interface PingOptions {
  retryDelaysMs: readonly number[];
  timeoutMs: number;
}

export interface PingHooks {
  target(webhookId: string): PingTarget | undefined;
  onResult(webhookId: string, result: NotificationResult): void;
}

/** How many sent pings are kept for tests; older ones are dropped. */
const MAX_KEPT = 1000;

/** `X-Airtable-Content-MAC`: HMAC-SHA256 of the exact body bytes, keyed with the decoded secret. */
export function contentMac(macSecretBase64: string, body: string): string {
  return `hmac-sha256=${createHmac('sha256', Buffer.from(macSecretBase64, 'base64')).update(body, 'utf8').digest('hex')}`;
}

/** Redirects are not followed: a receiver that moved has not received the ping. */
export const postPing: PingSender = async (url, body, headers, signal) => {
  const res = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
  await res.body?.cancel();
  return res.status;
};

interface PingState {
  /** A ping is on the wire or waiting for its retry. */
  busy: boolean;
  /** A payload arrived since the current ping went out, so one more ping is owed. */
  pending: boolean;
  timer?: NodeJS.Timeout;
  abort?: AbortController;
}

/**
 * Notification pings in the background: at most one in flight per webhook (payloads arriving meanwhile
 * cause one more ping afterwards), retried with backoff when the receiver fails, stopped by `close()`.
 */
export class WebhookPinger {
  /** The pings sent, oldest first. */
  readonly sent: SentPing[] = [];
  private readonly states = new Map<string, PingState>();
  private paused = false;
  private closed = false;

  constructor(
    private readonly options: PingOptions,
    private readonly hooks: PingHooks,
    private readonly send: PingSender = postPing,
  ) {}

  /** A payload was added to the webhook. */
  notify(webhookId: string): void {
    let state = this.states.get(webhookId);
    if (!state) this.states.set(webhookId, (state = { busy: false, pending: false }));
    state.pending = true;
    this.drain(webhookId, state);
  }

  /** While paused nothing is sent; what was owed goes out when pings resume. */
  pause(paused: boolean): void {
    this.paused = paused;
    if (!paused) for (const [webhookId, state] of this.states) this.drain(webhookId, state);
  }

  /** Stops pinging a webhook (deleted or expired), retries included. */
  forget(webhookId: string): void {
    const state = this.states.get(webhookId);
    if (!state) return;
    this.states.delete(webhookId);
    clearTimeout(state.timer);
    state.abort?.abort();
  }

  close(): void {
    this.closed = true;
    for (const webhookId of [...this.states.keys()]) this.forget(webhookId);
  }

  private drain(webhookId: string, state: PingState): void {
    if (this.closed || this.paused || state.busy || !state.pending) return;
    void this.attempt(webhookId, state, 0);
  }

  private async attempt(webhookId: string, state: PingState, retryNumber: number): Promise<void> {
    const target = this.hooks.target(webhookId);
    if (!target || this.closed || this.paused) {
      state.busy = false;
      // A paused retry is owed once pings resume; a webhook that cannot be pinged owes nothing.
      state.pending = target !== undefined && this.paused;
      return;
    }
    state.busy = true;
    state.pending = false;
    const body = JSON.stringify({ base: { id: target.baseId }, webhook: { id: target.webhookId }, timestamp: new Date().toISOString() });
    const mac = contentMac(target.macSecretBase64, body);
    const headers = { 'content-type': 'application/json', 'x-airtable-content-mac': mac };
    const abort = (state.abort = new AbortController());
    // A timer of our own rather than AbortSignal.timeout, which Node may collect (and so never fire) once combined.
    const timeout = setTimeout(() => abort.abort(new DOMException('The ping timed out', 'TimeoutError')), this.options.timeoutMs);
    timeout.unref();
    const started = Date.now();
    let status: number | undefined;
    let error: string | undefined;
    try {
      status = await this.send(target.notificationUrl, body, headers, abort.signal);
      if (status < 200 || status > 299) error = `The notification URL answered ${status}`;
    } catch (failure) {
      const timedOut = failure instanceof Error && failure.name === 'TimeoutError';
      error = timedOut ? `No answer within ${this.options.timeoutMs} ms` : `The request failed: ${reason(failure)}`;
    } finally {
      clearTimeout(timeout);
    }
    if (this.closed || this.states.get(webhookId) !== state) return;
    state.abort = undefined;
    const success = error === undefined;
    const willBeRetried = !success && retryNumber < this.options.retryDelaysMs.length;
    this.record({ webhookId, url: target.notificationUrl, body, mac, retryNumber, status, success, ...(error ? { error } : {}) });
    this.hooks.onResult(webhookId, {
      success,
      ...(error ? { error: { message: error }, willBeRetried } : {}),
      completionTimestamp: new Date().toISOString(),
      durationMs: Date.now() - started,
      retryNumber,
    });
    if (!willBeRetried) {
      state.busy = false;
      this.drain(webhookId, state);
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.attempt(webhookId, state, retryNumber + 1);
    }, this.options.retryDelaysMs[retryNumber]);
    state.timer.unref();
  }

  private record(ping: SentPing): void {
    this.sent.push(ping);
    if (this.sent.length > MAX_KEPT) this.sent.shift();
  }
}

/** fetch says only "fetch failed"; the cause says why (e.g. ECONNREFUSED). */
function reason(failure: unknown): string {
  if (!(failure instanceof Error)) return String(failure);
  return failure.cause instanceof Error ? failure.cause.message : failure.message;
}
