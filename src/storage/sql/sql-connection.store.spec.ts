import type { Kysely } from 'kysely';
import { SQL_DIALECTS } from '../../../test/support/postgres';
import { randomToken } from '../../common/random';
import type { TokensConfig } from '../../config/tokens.config';
import type { Connection } from '../../connections/connection.store';
import { TokenCipher } from '../../connections/token-cipher';
import { SqlConnectionStore } from './sql-connection.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlSessionStore } from './sql-session.store';

const DAY_MS = 24 * 3600_000;
const cipher = new TokenCipher({ encryptionKeys: [Buffer.alloc(32, 7)] } as TokensConfig);

function aConnection(overrides: Partial<Connection> = {}): Connection {
  const now = Date.now();
  const scopes = ['data.records:read', 'schema.bases:read'];
  return {
    id: randomToken(),
    userId: 'usrTest00000001',
    email: 'ada@example.com',
    scopes,
    status: 'active',
    tokens: {
      accessToken: `access-${randomToken()}`,
      refreshToken: `refresh-${randomToken()}`,
      scopes,
      expiresAt: now + 3600_000,
      refreshExpiresAt: now + 60 * DAY_MS,
    },
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

describe.each(SQL_DIALECTS)('SqlConnectionStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let store: SqlConnectionStore;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const database = await provision();
    remove = database.remove;
    db = openSqlDatabase(database.options);
    await migrateToLatest(db);
    store = new SqlConnectionStore(db, cipher);
  });

  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  beforeEach(() => db.deleteFrom('connections').execute());

  it('reads back what it created, with its tokens or without them', async () => {
    const { email: _email, ...withoutEmail } = aConnection();
    const connections = [aConnection(), withoutEmail, aConnection({ status: 'reauth_required', tokens: undefined, scopes: [] })];
    for (const connection of connections) await store.create(connection);
    for (const { tokens, ...rest } of connections) {
      expect(await store.get(rest.id)).toEqual(tokens ? { ...rest, tokens } : rest);
      expect((await store.load(rest.id))?.connection).toEqual(rest);
    }
    expect(await store.get('unknown')).toBeUndefined();
    expect(await store.load('unknown')).toBeUndefined();
  });

  it('keeps the tokens sealed in the table', async () => {
    const connection = aConnection();
    await store.create(connection);
    const row = await db.selectFrom('connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow();
    expect(row.tokens).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(connection.tokens?.accessToken);
    expect(JSON.stringify(row)).not.toContain(connection.tokens?.refreshToken);
    expect(row.refresh_expires_at).toBe(connection.tokens?.refreshExpiresAt);
  });

  it('updates a connection that exists, keeping its creation time', async () => {
    const connection = aConnection();
    await store.create(connection);
    const changed = { ...connection, status: 'reauth_required' as const, tokens: undefined, createdAt: 1, updatedAt: connection.updatedAt + 1 };
    expect(await store.update(changed)).toBe(true);
    const { tokens: _tokens, ...expected } = { ...changed, createdAt: connection.createdAt };
    expect(await store.get(connection.id)).toEqual(expected);
  });

  it('does not bring back a deleted connection: update says it is gone', async () => {
    const connection = aConnection();
    await store.create(connection);
    await store.delete(connection.id);
    expect(await store.update({ ...connection, updatedAt: connection.updatedAt + 1 })).toBe(false);
    expect(await store.get(connection.id)).toBeUndefined();
    expect(await db.selectFrom('connections').selectAll().execute()).toEqual([]);
  });

  it('deletes the sessions of a deleted connection', async () => {
    const connection = aConnection();
    await store.create(connection);
    const sessions = new SqlSessionStore(db, { sessionSecret: 'a-session-secret-of-32-characters', sessionIdleMs: DAY_MS, sessionTtlMs: DAY_MS });
    const sid = await sessions.create(connection.id);
    await store.delete(connection.id);
    expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    expect(await sessions.use(sid)).toBeUndefined();
    sessions.onModuleDestroy();
  });

  it('lists the active connections due for keep-alive, soonest first, up to the limit', async () => {
    const now = Date.now();
    const expiringIn = (ms: number, overrides: Partial<Connection> = {}) => {
      const connection = aConnection(overrides);
      return { ...connection, tokens: connection.tokens && { ...connection.tokens, refreshExpiresAt: now + ms } };
    };
    const [late, soon, soonest, notDue, inactive] = [
      expiringIn(3 * DAY_MS),
      expiringIn(2 * DAY_MS),
      expiringIn(DAY_MS),
      expiringIn(30 * DAY_MS),
      expiringIn(DAY_MS / 2, { status: 'reauth_required' }),
    ];
    for (const connection of [late, soon, soonest, notDue, inactive]) await store.create(connection);
    await store.create(aConnection({ tokens: undefined, status: 'reauth_required' }));
    const before = now + 7 * DAY_MS;
    expect(await store.dueForKeepAlive(before, 10)).toEqual([soonest.id, soon.id, late.id]);
    expect(await store.dueForKeepAlive(before, 2)).toEqual([soonest.id, soon.id]);
    expect(await store.dueForKeepAlive(now, 10)).toEqual([]);
  });
});
