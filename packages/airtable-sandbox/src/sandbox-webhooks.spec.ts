import { refusal } from '../test/support/refusal';
import { SANDBOX_USER, sampleBases } from './sandbox-data';
import { SandboxRecordStore } from './sandbox-record-store';
import type { WebhookInput } from './sandbox-webhook-spec';
import { SandboxWebhooks } from './sandbox-webhooks';
import { TransactionBuilder } from './sandbox-write-transaction';
import { sandboxOptions } from './sandbox.options';

const DAY = 24 * 60 * 60_000;

describe('webhooks', () => {
  const bases = sampleBases();
  const [crm, pm] = bases;
  const contacts = crm.tables[0];
  const store = new SandboxRecordStore(bases, { Contacts: 0 });
  const input: WebhookInput = { notificationUrl: null, specification: { options: { filters: { dataTypes: ['tableData'] } } } };
  const T0 = Date.parse('2026-01-01T00:00:00Z');
  let webhooks: SandboxWebhooks;

  beforeEach(() => {
    webhooks = new SandboxWebhooks(sandboxOptions({ webhookTtlMs: 7 * DAY, payloadTtlMs: 7 * DAY }), SANDBOX_USER, store);
  });
  afterEach(() => webhooks.close());

  /** A write of `count` new contacts, reported as one transaction at `now`. */
  function write(count = 1, now = T0) {
    const builder = new TransactionBuilder(crm);
    for (let i = 0; i < count; i++) builder.created(contacts, store.create(contacts.id, { Name: `Contact ${i}` }));
    webhooks.record(builder.build(now)!, now);
  }

  it('creates ids and secrets in Airtable shape, expiring after the TTL', () => {
    const created = webhooks.create(crm.id, 'app-a', input, T0);
    expect(created).toEqual({ id: expect.stringMatching(/^ach[A-Za-z0-9]{14}$/), macSecretBase64: expect.any(String), expirationTime: new Date(T0 + 7 * DAY).toISOString() });
    expect(Buffer.from(created.macSecretBase64, 'base64')).toHaveLength(32);
    expect(webhooks.list(crm.id, 'app-a', T0)).toEqual([
      {
        id: created.id,
        specification: input.specification,
        notificationUrl: null,
        cursorForNextPayload: 1,
        areNotificationsEnabled: false,
        lastNotificationResult: null,
        expirationTime: created.expirationTime,
        isHookEnabled: true,
        lastSuccessfulNotificationTime: null,
      },
    ]);
  });

  it('lets an integration have 2 webhooks per base and a base 10, each integration seeing only its own', () => {
    webhooks.create(crm.id, 'app-a', input);
    webhooks.create(crm.id, 'app-a', input);
    expect(refusal(() => webhooks.create(crm.id, 'app-a', input))).toBe('TOO_MANY_WEBHOOKS_BY_OAUTH_INTEGRATION_IN_BASE');
    webhooks.create(pm.id, 'app-a', input);
    for (const app of ['app-b', 'app-c', 'app-d', 'app-e']) for (let i = 0; i < 2; i++) webhooks.create(crm.id, app, input);
    expect(refusal(() => webhooks.create(crm.id, 'app-f', input))).toBe('TOO_MANY_WEBHOOKS_IN_BASE');
    expect(webhooks.list(crm.id, 'app-a')).toHaveLength(2);
    expect(webhooks.list(crm.id, 'app-f')).toHaveLength(0);
    expect(webhooks.all()).toHaveLength(11);
  });

  it("answers NOT_FOUND for another integration's or another base's webhook", () => {
    const { id } = webhooks.create(crm.id, 'app-a', input);
    expect(refusal(() => webhooks.delete(crm.id, 'app-b', id))).toBe('NOT_FOUND');
    expect(refusal(() => webhooks.refresh(pm.id, 'app-a', id))).toBe('NOT_FOUND');
    expect(refusal(() => webhooks.payloads(crm.id, 'app-b', id, 1, 50))).toBe('NOT_FOUND');
    webhooks.delete(crm.id, 'app-a', id);
    expect(refusal(() => webhooks.delete(crm.id, 'app-a', id))).toBe('NOT_FOUND');
  });

  it('pages payloads by cursor, numbering base transactions', () => {
    const { id } = webhooks.create(crm.id, 'app-a', input, T0);
    for (let i = 0; i < 5; i++) write(2);
    const first = webhooks.payloads(crm.id, 'app-a', id, 1, 2, T0);
    expect(first.payloads.map((p) => p.baseTransactionNumber)).toEqual([1, 2]);
    expect(first).toMatchObject({ cursor: 3, mightHaveMore: true });
    expect(Object.keys(first.payloads[0].changedTablesById[contacts.id].createdRecordsById!)).toHaveLength(2);
    const rest = webhooks.payloads(crm.id, 'app-a', id, 3, 50, T0);
    expect(rest.payloads.map((p) => p.baseTransactionNumber)).toEqual([3, 4, 5]);
    expect(rest).toMatchObject({ cursor: 6, mightHaveMore: false });
    expect(webhooks.payloads(crm.id, 'app-a', id, 6, 50, T0)).toEqual({ payloads: [], cursor: 6, mightHaveMore: false });
    expect(refusal(() => webhooks.payloads(crm.id, 'app-a', id, 7, 50, T0))).toBe('INVALID_REQUEST_UNKNOWN');
  });

  it('drops payloads older than the payload TTL, and cursors still only grow', () => {
    const { id } = webhooks.create(crm.id, 'app-a', input, T0);
    write(1, T0);
    write(1, T0 + 5 * DAY);
    const later = T0 + 8 * DAY;
    webhooks.refresh(crm.id, 'app-a', id, T0 + 5 * DAY);
    const page = webhooks.payloads(crm.id, 'app-a', id, 1, 50, later);
    expect(page.payloads.map((p) => p.baseTransactionNumber)).toEqual([2]);
    expect(page.cursor).toBe(3);
  });

  it('disables an expired webhook: no payloads, no refresh, still listed; reading payloads keeps a live one alive', () => {
    const { id } = webhooks.create(crm.id, 'app-a', input, T0);
    webhooks.payloads(crm.id, 'app-a', id, 1, 50, T0 + 6 * DAY);
    expect(webhooks.all(T0 + 10 * DAY)[0]).toMatchObject({ enabled: true, expirationTime: new Date(T0 + 13 * DAY).toISOString() });
    expect(webhooks.refresh(crm.id, 'app-a', id, T0 + 12 * DAY)).toEqual({ expirationTime: new Date(T0 + 19 * DAY).toISOString() });
    const expired = T0 + 20 * DAY;
    write(1, expired);
    expect(webhooks.all(expired)[0]).toMatchObject({ id, enabled: false, isHookEnabled: false, payloadCount: 0 });
    expect(refusal(() => webhooks.refresh(crm.id, 'app-a', id, expired))).toBe('CANNOT_REFRESH_DISABLED_WEBHOOK');
    webhooks.payloads(crm.id, 'app-a', id, 1, 50, expired);
    expect(webhooks.list(crm.id, 'app-a', expired)[0]).toMatchObject({ isHookEnabled: false, expirationTime: new Date(T0 + 19 * DAY).toISOString() });
  });

  it('expires a webhook on demand, for tests', () => {
    const { id } = webhooks.create(crm.id, 'app-a', input);
    webhooks.expire(id);
    expect(webhooks.all()[0].enabled).toBe(false);
    expect(() => webhooks.expire('achNope')).toThrow(/achNope/);
  });
});
