import { createHmac } from 'node:crypto';
import { contentMac, type NotificationResult, type PingTarget, WebhookPinger } from './sandbox-webhook-pings';

/** A sender whose answers the test gives, one request at a time. */
function scriptedSender() {
  const calls: Array<{ body: string; headers: Record<string, string>; answer: (status: number) => void; fail: (error: Error) => void }> = [];
  const send = (_url: string, body: string, headers: Record<string, string>) =>
    new Promise<number>((answer, fail) => calls.push({ body, headers, answer, fail }));
  return { calls, send };
}

const TARGET: PingTarget = { baseId: 'appSandboxCRM0001', webhookId: 'achAAAAAAAAAAAAAA', notificationUrl: 'http://127.0.0.1:1/hook', macSecretBase64: 'SmVmZQ==' };

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('webhook pings', () => {
  it('signs the exact body with the base64-decoded secret (RFC 4231 test case 2)', () => {
    expect(contentMac('SmVmZQ==', 'what do ya want for nothing?')).toBe('hmac-sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    const secret = Buffer.alloc(32, 7).toString('base64');
    const body = '{"base":{"id":"appX"},"webhook":{"id":"achY"},"timestamp":"2026-01-01T00:00:00.000Z"}';
    expect(contentMac(secret, body)).toBe(`hmac-sha256=${createHmac('sha256', Buffer.from(secret, 'base64')).update(body).digest('hex')}`);
  });

  /** `target` null: the webhook cannot be pinged (deleted, expired, no URL). */
  function pinger(target: PingTarget | null = TARGET) {
    const sender = scriptedSender();
    const results: NotificationResult[] = [];
    const pings = new WebhookPinger(
      { retryDelaysMs: [0, 0], timeoutMs: 1_000 },
      { target: () => target ?? undefined, onResult: (_id, result) => results.push(result) },
      sender.send,
    );
    return { pings, results, calls: sender.calls };
  }

  it('sends the documented body and headers', async () => {
    const { pings, calls } = pinger();
    pings.notify(TARGET.webhookId);
    await until(() => calls.length === 1);
    expect(JSON.parse(calls[0].body)).toEqual({ base: { id: TARGET.baseId }, webhook: { id: TARGET.webhookId }, timestamp: expect.any(String) });
    expect(calls[0].headers).toEqual({ 'content-type': 'application/json', 'x-airtable-content-mac': contentMac(TARGET.macSecretBase64, calls[0].body) });
    pings.close();
  });

  it('keeps one ping in flight, and sends one more for everything that arrived meanwhile', async () => {
    const { pings, calls, results } = pinger();
    pings.notify(TARGET.webhookId);
    pings.notify(TARGET.webhookId);
    pings.notify(TARGET.webhookId);
    await until(() => calls.length === 1);
    calls[0].answer(204);
    await until(() => calls.length === 2);
    calls[1].answer(200);
    await until(() => results.length === 2);
    expect(calls).toHaveLength(2);
    expect(pings.sent.map((p) => [p.status, p.success])).toEqual([
      [204, true],
      [200, true],
    ]);
    pings.close();
  });

  it('retries a failed ping with backoff, then gives up, recording each result', async () => {
    const { pings, calls, results } = pinger();
    pings.notify(TARGET.webhookId);
    await until(() => calls.length === 1);
    calls[0].answer(500);
    await until(() => calls.length === 2);
    calls[1].fail(new Error('connection refused'));
    await until(() => calls.length === 3);
    calls[2].answer(503);
    await until(() => results.length === 3);
    expect(results.map(({ success, retryNumber, willBeRetried }) => ({ success, retryNumber, willBeRetried }))).toEqual([
      { success: false, retryNumber: 0, willBeRetried: true },
      { success: false, retryNumber: 1, willBeRetried: true },
      { success: false, retryNumber: 2, willBeRetried: false },
    ]);
    expect(results[1].error?.message).toMatch(/connection refused/);
    expect(pings.sent.map((p) => p.status)).toEqual([500, undefined, 503]);
    pings.close();
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const results: NotificationResult[] = [];
    const silent = (_url: string, _body: string, _headers: Record<string, string>, signal: AbortSignal) =>
      new Promise<number>((_answer, fail) => signal.addEventListener('abort', () => fail(signal.reason)));
    const pings = new WebhookPinger(
      { retryDelaysMs: [], timeoutMs: 20 },
      { target: () => TARGET, onResult: (_id, result) => results.push(result) },
      silent,
    );
    pings.notify(TARGET.webhookId);
    await until(() => results.length === 1);
    expect(results[0]).toMatchObject({ success: false, error: { message: 'No answer within 20 ms' }, willBeRetried: false, retryNumber: 0 });
    expect(pings.sent[0].status).toBeUndefined();
    pings.close();
  });

  it('sends nothing while paused, and what is owed once resumed', async () => {
    const { pings, calls } = pinger();
    pings.pause(true);
    pings.notify(TARGET.webhookId);
    pings.notify(TARGET.webhookId);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(0);
    pings.pause(false);
    await until(() => calls.length === 1);
    pings.close();
  });

  it('pings no webhook that cannot be pinged, and nothing after close', async () => {
    const unreachable = pinger(null);
    unreachable.pings.notify(TARGET.webhookId);
    await new Promise((resolve) => setImmediate(resolve));
    expect(unreachable.calls).toHaveLength(0);

    const { pings, calls, results } = pinger();
    pings.notify(TARGET.webhookId);
    await until(() => calls.length === 1);
    pings.close();
    calls[0].answer(500);
    await new Promise((resolve) => setImmediate(resolve));
    expect(results).toHaveLength(0);
    pings.notify(TARGET.webhookId);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1);
  });
});
