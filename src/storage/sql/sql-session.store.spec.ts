import type { Kysely } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { SQL_DIALECTS } from '../../../test/support/postgres';
import { hmac, RANDOM_TOKEN_PATTERN } from '../../common/random';
import type { SessionLifetimes } from '../../sessions/session.store';
import { type ConnectionsTable, openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlSessionStore, type SqlSessionStoreOptions } from './sql-session.store';

const DAY_MS = 24 * 3600_000;
const SECRET = 'a-session-secret-of-32-characters';
/** A connection as a bare row: the sessions need one to belong to. */
const CONNECTION_ROW: ConnectionsTable = {
  id: 'conn-1',
  user_id: 'usrTest00000001',
  email: null,
  scopes: '',
  status: 'active',
  tokens: null,
  refresh_expires_at: 1,
  created_at: 1,
  updated_at: 1,
};

describe.each(SQL_DIALECTS)('SqlSessionStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  const stores: SqlSessionStore[] = [];

  /** A store with these lifetimes (by default a day idle, a month in all), stopped after its test. */
  function storeWith(lifetimes: Partial<SessionLifetimes> = {}, options: SqlSessionStoreOptions = {}): SqlSessionStore {
    const store = new SqlSessionStore(db, { sessionSecret: SECRET, sessionIdleMs: DAY_MS, sessionTtlMs: 30 * DAY_MS, ...lifetimes }, options);
    stores.push(store);
    return store;
  }

  const rows = () => db.selectFrom('sessions').selectAll().execute();

  beforeAll(async () => {
    const database = await provision();
    remove = database.remove;
    db = openSqlDatabase(database.options);
    await migrateToLatest(db);
    await db.insertInto('connections').values(CONNECTION_ROW).execute();
  });

  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  beforeEach(() => db.deleteFrom('sessions').execute());
  afterEach(() => stores.splice(0).forEach((store) => store.onModuleDestroy()));

  it('creates a session under a random id, stored only as its HMAC', async () => {
    const store = storeWith();
    const before = Date.now();
    const sid = await store.create(CONNECTION_ROW.id);
    expect(sid).toMatch(RANDOM_TOKEN_PATTERN);
    const session = await store.use(sid);
    expect(session?.connectionId).toBe(CONNECTION_ROW.id);
    expect(session?.createdAt).toBeGreaterThanOrEqual(before);
    const [row] = await rows();
    expect(row.id_hash).toBe(hmac(SECRET, sid));
    expect(JSON.stringify(await rows())).not.toContain(sid);
    expect(await store.use('unknown')).toBeUndefined();
  });

  it('records a visit only once in a while, not on every use', async () => {
    const store = storeWith({ sessionIdleMs: 1_000 });
    const sid = await store.create(CONNECTION_ROW.id);
    await store.use(sid);
    const [created] = await rows();
    expect(created.last_seen_at).toBe(created.created_at);
    await sleep(150);
    const session = await store.use(sid);
    const [touched] = await rows();
    expect(touched.last_seen_at).toBeGreaterThan(created.created_at);
    expect(session?.lastSeenAt).toBe(touched.last_seen_at);
  });

  it('ends a session left idle for longer than its idle time, and deletes it', async () => {
    const store = storeWith({ sessionIdleMs: 400 });
    const sid = await store.create(CONNECTION_ROW.id);
    await sleep(250);
    expect(await store.use(sid)).toBeDefined();
    await sleep(250);
    expect(await store.use(sid)).toBeDefined();
    await sleep(500);
    expect(await store.use(sid)).toBeUndefined();
    expect(await rows()).toEqual([]);
  });

  it('ends a session older than its absolute lifetime, however busy', async () => {
    const store = storeWith({ sessionTtlMs: 300 });
    const sid = await store.create(CONNECTION_ROW.id);
    await sleep(150);
    expect(await store.use(sid)).toBeDefined();
    await sleep(200);
    expect(await store.use(sid)).toBeUndefined();
    expect(await rows()).toEqual([]);
  });

  it('deletes a session', async () => {
    const store = storeWith();
    const [sid, other] = [await store.create(CONNECTION_ROW.id), await store.create(CONNECTION_ROW.id)];
    await store.delete(sid);
    expect(await store.use(sid)).toBeUndefined();
    expect(await store.use(other)).toBeDefined();
  });

  it('purges the sessions past their lifetime and keeps the others', async () => {
    const store = storeWith({ sessionIdleMs: 300 });
    await store.create(CONNECTION_ROW.id);
    await sleep(350);
    const fresh = await store.create(CONNECTION_ROW.id);
    await store.purge();
    expect((await rows()).map((row) => row.id_hash)).toEqual([hmac(SECRET, fresh)]);
  });

  it('purges on its own timer', async () => {
    const store = storeWith({ sessionIdleMs: 100 }, { purgeEveryMs: 50 });
    await store.create(CONNECTION_ROW.id);
    await vi.waitFor(async () => expect(await rows()).toEqual([]), { timeout: 1_000, interval: 50 });
  });
});
