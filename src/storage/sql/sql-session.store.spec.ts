import type { Kysely } from 'kysely';
import { CONNECTION_ROW, SQL_DIALECTS } from '../../../test/support/postgres';
import { FakeClock } from '../../../test/support/fake-clock';
import { hmac, RANDOM_TOKEN_PATTERN } from '../../common/random';
import type { TokensConfig } from '../../config/tokens.config';
import { TokenCipher } from '../../connections/token-cipher';
import type { SessionLifetimes } from '../../sessions/session.store';
import { SqlConnectionStore } from './sql-connection.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlSessionStore } from './sql-session.store';

const DAY_MS = 24 * 3600_000;
const SECRET = 'a-session-secret-of-32-characters';
const cipher = new TokenCipher({ encryptionKeys: [Buffer.alloc(32, 7)] } as TokensConfig);

describe.each(SQL_DIALECTS)('SqlSessionStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  let clock: FakeClock;

  /** A store with these lifetimes (by default a day idle, a month in all). */
  function storeWith(lifetimes: Partial<SessionLifetimes> = {}): SqlSessionStore {
    const settings = { sessionSecret: SECRET, sessionIdleMs: DAY_MS, sessionTtlMs: 30 * DAY_MS, ...lifetimes };
    return new SqlSessionStore(db, settings, { clock });
  }

  /** Starts a session as a login does: issued here, stored by the connection store with the connection's change. */
  async function start(store: SqlSessionStore): Promise<string> {
    const session = store.issue();
    const { id, user_id: userId, created_at: createdAt } = CONNECTION_ROW;
    await new SqlConnectionStore(db, cipher).update({ id, userId, scopes: [], status: 'active', createdAt, updatedAt: clock.now() }, { session });
    return session.id;
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

  it('creates a session under a random id, stored only as its HMAC', async () => {
    const store = storeWith();
    const before = clock.now();
    const sid = await start(store);
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
    const sid = await start(store);
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
    const sid = await start(store);
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
    const sid = await start(store);
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
    const [sid, other] = [await start(store), await start(store)];
    await store.delete(sid);
    expect(await store.use(sid)).toBeUndefined();
    expect(await store.use(other)).toBeDefined();
  });

  it('purges the sessions past their lifetime and keeps the others', async () => {
    const store = storeWith({ sessionIdleMs: 300 });
    await start(store);
    clock.advance(301);
    const fresh = await start(store);
    expect(await store.purge(10)).toBe(1);
    expect((await rows()).map((row) => row.id_hash)).toEqual([hmac(SECRET, fresh)]);
  });

  it('purges a session past its absolute lifetime however recently it was used', async () => {
    const store = storeWith({ sessionTtlMs: 10 * 60_000 });
    const busy = await start(store);
    clock.advance(9 * 60_000);
    expect(await store.use(busy)).toBeDefined();
    const fresh = await start(store);
    clock.advance(2 * 60_000);
    expect(await store.purge(10)).toBe(1);
    expect((await rows()).map((row) => row.id_hash)).toEqual([hmac(SECRET, fresh)]);
  });

  it('purges at most `limit` sessions at a time', async () => {
    const store = storeWith({ sessionIdleMs: 300 });
    for (let n = 0; n < 3; n++) await start(store);
    clock.advance(301);
    const fresh = await start(store);
    expect(await store.purge(2)).toBe(2);
    expect(await rows()).toHaveLength(2);
    expect(await store.purge(2)).toBe(1);
    expect(await store.purge(2)).toBe(0);
    expect((await rows()).map((row) => row.id_hash)).toEqual([hmac(SECRET, fresh)]);
  });
});
