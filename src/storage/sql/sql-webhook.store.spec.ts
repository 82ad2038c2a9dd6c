import type { Kysely } from 'kysely';
import { SQL_DIALECTS } from '../../../test/support/postgres';
import { FakeClock } from '../../../test/support/fake-clock';
import type { TokensConfig } from '../../config/tokens.config';
import { TokenCipher } from '../../connections/token-cipher';
import type { AppEvent } from '../../events/outbox.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlWebhookStore } from './sql-webhook.store';

const cipher = new TokenCipher({ encryptionKeys: [Buffer.alloc(32, 7)] } as TokensConfig);
const SECRET = Buffer.alloc(32, 9).toString('base64');
const LEASE_MS = 60_000;

const event = (id: string): AppEvent => ({ id, type: 'airtable.changes', createdAt: new Date(0).toISOString(), data: {} });

describe.each(SQL_DIALECTS)('SqlWebhookStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  let clock: FakeClock;
  let store: SqlWebhookStore;
  let serial = 0;
  let id: string;

  beforeAll(async () => {
    const database = await provision();
    remove = database.remove;
    db = openSqlDatabase(database.options);
    await migrateToLatest(db);
  });

  beforeEach(async () => {
    clock = new FakeClock();
    store = new SqlWebhookStore(db, cipher, clock, 2_000);
    serial++;
    id = `whk_${String(serial).padStart(24, '0')}`;
    const now = clock.now();
    await db.insertInto('connections').values({ id: `conn-${serial}`, user_id: 'usr', email: null, scopes: '', status: 'active', tokens: null, refresh_expires_at: null, created_at: now, updated_at: now, end_user_id: null }).execute();
    await store.create({ id, airtableId: `ach${String(serial).padStart(14, '0')}`, connectionId: `conn-${serial}`, baseId: `app${serial}`, specification: { options: {} }, expiresAt: now + 7 * 86_400_000, macSecretBase64: SECRET });
  });

  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  const outbox = () => db.selectFrom('outbox_events').select('id').where('connection_id', '=', `conn-${serial}`).execute();

  it('keeps the MAC secret sealed, bound to the webhook, and opens it for a ping check', async () => {
    const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.mac_secret).not.toContain(SECRET);
    expect((await store.withMacSecret(id))!.macSecret).toEqual(Buffer.alloc(32, 9));
    // Copied onto another webhook's row, the sealed secret does not open there.
    const other = `whk_${String(serial).padStart(23, '0')}x`;
    await store.create({ id: other, airtableId: `ach${String(serial).padStart(13, '0')}x`, connectionId: `conn-${serial}`, baseId: `app${serial}`, specification: { options: {} }, expiresAt: clock.now() + 1, macSecretBase64: Buffer.alloc(32, 1).toString('base64') });
    expect((await store.withMacSecret(other))!.macSecret).toEqual(Buffer.alloc(32, 1));
    await db.updateTable('webhooks').set({ mac_secret: row.mac_secret }).where('id', '=', other).execute();
    expect(await store.withMacSecret(other)).toBeUndefined();
    expect((await store.withMacSecret(id))!.macSecret).toEqual(Buffer.alloc(32, 9));
  });

  it('moves the cursor and stores the event together, only for the lease holder and the cursor it read', async () => {
    expect(await store.lease(id, 'a', LEASE_MS)).toEqual(expect.objectContaining({ cursor: 1 }));
    expect(await store.lease(id, 'b', LEASE_MS)).toBeUndefined();
    expect(await store.advance(id, 'b', 1, 3, event(`evt-b-${serial}`))).toBe(false);
    expect(await store.advance(id, 'a', 1, 3, event(`evt-a-${serial}`))).toBe(true);
    // A stale reader that still thinks the cursor is 1 forwards nothing.
    expect(await store.advance(id, 'a', 1, 4, event(`evt-stale-${serial}`))).toBe(false);
    expect((await store.get(id))!.cursor).toBe(3);
    expect((await outbox()).map((r) => r.id)).toEqual([`evt-a-${serial}`]);
  });

  it('lets another instance take over a lease that ran out, and the old holder can no longer advance', async () => {
    await store.lease(id, 'a', LEASE_MS);
    clock.advance(LEASE_MS + 1);
    expect(await store.lease(id, 'b', LEASE_MS)).toBeDefined();
    expect(await store.advance(id, 'a', 1, 2, event(`evt-late-${serial}`))).toBe(false);
    expect(await outbox()).toEqual([]);
  });

  it('is due for a read after a ping until a read that started after the ping read everything', async () => {
    const due = async () => (await store.dueForFetch(LEASE_MS, 1000)).includes(id);
    expect(await due()).toBe(false);
    clock.advance(1);
    await store.pinged(id);
    expect(await due()).toBe(true);
    // A read that started before the ping does not count as having seen it.
    await store.lease(id, 'a', LEASE_MS);
    await store.release(id, 'a', clock.now() - 1);
    expect(await due()).toBe(true);
    clock.advance(1);
    await store.lease(id, 'a', LEASE_MS);
    expect(await due()).toBe(false); // leased: someone reads it now
    await store.release(id, 'a', clock.now());
    expect(await due()).toBe(false);
    clock.advance(LEASE_MS + 1);
    expect(await due()).toBe(true); // quiet too long
    // Not while its connection needs a new login: the cursor waits for it.
    await db.updateTable('connections').set({ status: 'reauth_required' }).where('id', '=', `conn-${serial}`).execute();
    expect(await due()).toBe(false);
  });

  it('marks a webhook expired and stores its event once', async () => {
    const webhook = (await store.get(id))!;
    expect(await store.expire(id, event(`evt-exp-${serial}`))).toBe(true);
    expect(await store.expire(id, event(`evt-exp2-${serial}`))).toBe(false);
    expect((await store.get(id))!.status).toBe('expired');
    expect((await outbox()).map((r) => r.id)).toEqual([`evt-exp-${serial}`]);
    expect(await store.lease(id, 'a', LEASE_MS)).toBeUndefined();
    expect(await store.dueForRefresh(webhook.expiresAt + 1, 1000)).not.toContainEqual(expect.objectContaining({ id }));
  });

  it('goes with its connection', async () => {
    await db.deleteFrom('connections').where('id', '=', `conn-${serial}`).execute();
    expect(await store.get(id)).toBeUndefined();
  });
});
