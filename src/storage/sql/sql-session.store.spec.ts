import type { Kysely } from 'kysely';
import { CONNECTION_ROW, SQL_DIALECTS } from '../../../test/support/postgres';
import { FakeClock } from '../../../test/support/fake-clock';
import { hmac, RANDOM_TOKEN_PATTERN } from '../../common/random';
import type { SessionLifetimes } from '../../sessions/session.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlSessionStore, type SqlSessionStoreOptions } from './sql-session.store';

const DAY_MS = 24 * 3600_000;
const SECRET = 'a-session-secret-of-32-characters';

describe.each(SQL_DIALECTS)('SqlSessionStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  const stores: SqlSessionStore[] = [];
  let clock: FakeClock;

  /** A store with these lifetimes (by default a day idle, a month in all), stopped after its test. */
  function storeWith(lifetimes: Partial<SessionLifetimes> = {}, options: SqlSessionStoreOptions = {}): SqlSessionStore {
    const settings = { sessionSecret: SECRET, sessionIdleMs: DAY_MS, sessionTtlMs: 30 * DAY_MS, ...lifetimes };
    const store = new SqlSessionStore(db, settings, { clock, ...options });
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

  beforeEach(async () => {
    clock = new FakeClock();
    await db.deleteFrom('sessions').execute();
  });
  afterEach(() => stores.splice(0).forEach((store) => store.onModuleDestroy()));

  it('creates a session under a random id, stored only as its HMAC', async () => {
    const store = storeWith();
    const before = clock.now();
    const sid = await store.create(CONNECTION_ROW.id);
    expect(sid).toMatch(RANDOM_TOKEN_PATTERN);
    const session = await store.use(sid);
    expect(session?.connectionId).toBe(CONNECTION_ROW.id);
    expect(session?.createdAt).toBeGreaterThanOrEqual(before);
    expect(session?.createdAt).toBe(clock.now());
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
    // A tenth of the idle time is the touch interval here: a visit within it writes nothing.
    clock.advance(90);
    await store.use(sid);
    expect((await rows())[0].last_seen_at).toBe(created.created_at);
    clock.advance(60);
    const session = await store.use(sid);
    const [touched] = await rows();
    expect(touched.last_seen_at).toBeGreaterThan(created.created_at);
    expect(touched.last_seen_at).toBe(clock.now());
    expect(session?.lastSeenAt).toBe(touched.last_seen_at);
  });

  it('ends a session left idle for longer than its idle time, and deletes it', async () => {
    const store = storeWith({ sessionIdleMs: 400 });
    const sid = await store.create(CONNECTION_ROW.id);
    clock.advance(250);
    expect(await store.use(sid)).toBeDefined();
    clock.advance(250);
    expect(await store.use(sid)).toBeDefined();
    clock.advance(400);
    expect(await store.use(sid)).toBeDefined();
    clock.advance(401);
    expect(await store.use(sid)).toBeUndefined();
    expect(await rows()).toEqual([]);
  });

  it('ends a session older than its absolute lifetime, however busy', async () => {
    const store = storeWith({ sessionTtlMs: 300 });
    const sid = await store.create(CONNECTION_ROW.id);
    clock.advance(150);
    expect(await store.use(sid)).toBeDefined();
    clock.advance(150);
    expect(await store.use(sid)).toBeDefined();
    clock.advance(1);
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
    clock.advance(301);
    const fresh = await store.create(CONNECTION_ROW.id);
    await store.purge();
    expect((await rows()).map((row) => row.id_hash)).toEqual([hmac(SECRET, fresh)]);
  });

  it('purges a session past its absolute lifetime however recently it was used', async () => {
    const store = storeWith({ sessionTtlMs: 10 * 60_000 });
    const busy = await store.create(CONNECTION_ROW.id);
    clock.advance(9 * 60_000);
    expect(await store.use(busy)).toBeDefined();
    const fresh = await store.create(CONNECTION_ROW.id);
    clock.advance(2 * 60_000);
    await store.purge();
    expect((await rows()).map((row) => row.id_hash)).toEqual([hmac(SECRET, fresh)]);
  });

  it('purges on its own timer', async () => {
    const store = storeWith({ sessionIdleMs: 100 }, { purgeEveryMs: 50 });
    await store.create(CONNECTION_ROW.id);
    clock.advance(101);
    await vi.waitFor(async () => expect(await rows()).toEqual([]), { timeout: 1_000, interval: 50 });
  });
});
