import { type Kysely, sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { SQL_DIALECTS } from '../../../test/support/postgres';
import type { TokensConfig } from '../../config/tokens.config';
import { TokenCipher } from '../../connections/token-cipher';
import type { AppEvent } from '../../events/outbox.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlWebhookStore } from './sql-webhook.store';

const cipher = new TokenCipher({ encryptionKeys: [Buffer.alloc(32, 7)] } as TokensConfig);
const SECRET = Buffer.alloc(32, 9).toString('base64');
const LEASE_MS = 60_000;
const WEEK_MS = 7 * 86_400_000;

const event = (id: string): AppEvent => ({ id, type: 'airtable.changes', createdAt: new Date(0).toISOString(), data: {} });

describe.each(SQL_DIALECTS)('SqlWebhookStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  let store: SqlWebhookStore;
  let serial = 0;
  let id: string;

  beforeAll(async () => {
    const database = await provision();
    remove = database.remove;
    db = openSqlDatabase(database.options);
    await migrateToLatest(db);
    store = new SqlWebhookStore(db, cipher, 2_000);
  });

  beforeEach(async () => {
    serial++;
    id = `whk_${String(serial).padStart(24, '0')}`;
    const now = Date.now();
    await db.insertInto('connections').values({ id: `conn-${serial}`, user_id: 'usr', email: null, scopes: '', status: 'active', tokens: null, refresh_expires_at: null, created_at: now, updated_at: now, end_user_id: null }).execute();
    await store.create({ id, airtableId: `ach${String(serial).padStart(14, '0')}`, connectionId: `conn-${serial}`, baseId: `app${serial}`, specification: { options: {} }, expiresAt: now + WEEK_MS, macSecretBase64: SECRET });
  });

  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  const outbox = () => db.selectFrom('outbox_events').select('id').where('connection_id', '=', `conn-${serial}`).orderBy('seq').execute();
  /** The holder stops renewing and its lease runs out (the database's time is what counts). */
  const lapse = () => db.updateTable('leases').set({ expires_at: sql<number>`expires_at - ${2 * LEASE_MS}` }).where('name', '=', `webhook:${id}`).execute();

  it('keeps the MAC secret sealed, bound to the webhook, and opens it for a ping check', async () => {
    const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.mac_secret).not.toContain(SECRET);
    expect((await store.withMacSecret(id))!.macSecret).toEqual(Buffer.alloc(32, 9));
    // Copied onto another webhook's row, the sealed secret does not open there.
    const other = `whk_${String(serial).padStart(23, '0')}x`;
    await store.create({ id: other, airtableId: `ach${String(serial).padStart(13, '0')}x`, connectionId: `conn-${serial}`, baseId: `app${serial}`, specification: { options: {} }, expiresAt: Date.now() + 1, macSecretBase64: Buffer.alloc(32, 1).toString('base64') });
    expect((await store.withMacSecret(other))!.macSecret).toEqual(Buffer.alloc(32, 1));
    await db.updateTable('webhooks').set({ mac_secret: row.mac_secret }).where('id', '=', other).execute();
    expect(await store.withMacSecret(other)).toBeUndefined();
    expect((await store.withMacSecret(id))!.macSecret).toEqual(Buffer.alloc(32, 9));
  });

  it('moves the cursor and stores the event together, only for the lease holder and the cursor it read', async () => {
    const held = (await store.lease(id, LEASE_MS))!;
    expect(held).toEqual(expect.objectContaining({ id, cursor: 1, lease: expect.any(String), leasedAt: expect.any(Number) }));
    expect(await store.lease(id, LEASE_MS)).toBeUndefined();
    expect(await store.advance(id, 'not-the-lease', 1, 3, event(`evt-b-${serial}`))).toBe(false);
    expect(await store.advance(id, held.lease, 1, 3, event(`evt-a-${serial}`))).toBe(true);
    // A stale reader that still thinks the cursor is 1 forwards nothing.
    expect(await store.advance(id, held.lease, 1, 4, event(`evt-stale-${serial}`))).toBe(false);
    expect((await store.get(id))!.cursor).toBe(3);
    expect((await outbox()).map((r) => r.id)).toEqual([`evt-a-${serial}`]);
  });

  it('lets the holder keep its lease with its token, and nobody else', async () => {
    const held = (await store.lease(id, LEASE_MS))!;
    await lapse();
    const renewed = (await store.lease(id, LEASE_MS, held.lease))!;
    expect(renewed.lease).toBe(held.lease);
    expect(await store.lease(id, LEASE_MS, 'a-guessed-token')).toBeUndefined();
    expect(await store.advance(id, held.lease, 1, 2, undefined)).toBe(true);
  });

  it('lets another instance take over a lease that ran out, and the old holder can no longer advance or record its read', async () => {
    const stalled = (await store.lease(id, LEASE_MS))!;
    await lapse();
    const next = (await store.lease(id, LEASE_MS))!;
    expect(next.lease).not.toBe(stalled.lease);
    expect(await store.advance(id, stalled.lease, 1, 2, event(`evt-late-${serial}`))).toBe(false);
    expect(await outbox()).toEqual([]);
    await store.release(id, stalled.lease, { retryInMs: LEASE_MS });
    expect(await store.get(id)).toEqual(expect.objectContaining({ cursor: 1, failures: 0 }));
    expect(await store.advance(id, next.lease, 1, 2, event(`evt-next-${serial}`))).toBe(true);
  });

  it('is due for a read after a ping until a read that started after the ping read everything', async () => {
    const due = async (quietMs = LEASE_MS) => (await store.dueForFetch(quietMs, 1000)).includes(id);
    expect(await due()).toBe(false);
    await sleep(5);
    await store.pinged(id);
    const pingedAt = (await store.get(id))!.lastPingAt!;
    expect(await due()).toBe(true);
    // A read that started before the ping does not count as having seen it.
    const early = (await store.lease(id, LEASE_MS))!;
    await store.release(id, early.lease, { readAt: pingedAt - 1 });
    expect(await due()).toBe(true);
    await sleep(5);
    const read = (await store.lease(id, LEASE_MS))!;
    expect(read.leasedAt).toBeGreaterThan(pingedAt);
    expect(await due()).toBe(false); // leased: someone reads it now
    await store.release(id, read.lease, { readAt: read.leasedAt });
    expect(await due()).toBe(false);
    await sleep(20);
    expect(await due(10)).toBe(true); // quiet too long
    // Not while its connection needs a new login: the cursor waits for it.
    await db.updateTable('connections').set({ status: 'reauth_required' }).where('id', '=', `conn-${serial}`).execute();
    expect(await due(10)).toBe(false);
  });

  it('backs off after a failed read, is due again once the wait is over, and a full read clears the failures', async () => {
    const due = async () => (await store.dueForFetch(LEASE_MS, 1000)).includes(id);
    const failed = (await store.lease(id, LEASE_MS))!;
    await store.release(id, failed.lease, { retryInMs: LEASE_MS });
    expect((await store.get(id))!.failures).toBe(1);
    expect(await due()).toBe(false);
    await db.updateTable('webhooks').set({ retry_at: sql<number>`retry_at - ${2 * LEASE_MS}` }).where('id', '=', id).execute();
    expect(await due()).toBe(true);
    const read = (await store.lease(id, LEASE_MS))!;
    await store.release(id, read.lease, { readAt: read.leasedAt });
    expect((await store.get(id))!.failures).toBe(0);
    expect(await due()).toBe(false);
  });

  it('releases a lease cut short without recording a read', async () => {
    const before = await db.selectFrom('webhooks').select(['fetched_at', 'failures', 'retry_at']).where('id', '=', id).executeTakeFirstOrThrow();
    const held = (await store.lease(id, LEASE_MS))!;
    await store.release(id, held.lease, undefined);
    expect(await db.selectFrom('webhooks').select(['fetched_at', 'failures', 'retry_at']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual(before);
    expect(await store.lease(id, LEASE_MS)).toBeDefined();
  });

  it('marks a webhook expired and stores its event once', async () => {
    const webhook = (await store.get(id))!;
    expect(await store.expire(id, event(`evt-exp-${serial}`))).toBe(true);
    expect(await store.expire(id, event(`evt-exp2-${serial}`))).toBe(false);
    expect((await store.get(id))!.status).toBe('expired');
    expect((await outbox()).map((r) => r.id)).toEqual([`evt-exp-${serial}`]);
    expect(await store.lease(id, LEASE_MS)).toBeUndefined();
    expect(await db.selectFrom('leases').selectAll().where('name', '=', `webhook:${id}`).execute()).toEqual([]);
    expect(await store.dueForRefresh(webhook.expiresAt + 1, 1000)).not.toContainEqual(expect.objectContaining({ id }));
  });

  it('goes with its connection', async () => {
    await db.deleteFrom('connections').where('id', '=', `conn-${serial}`).execute();
    expect(await store.get(id)).toBeUndefined();
  });
});
