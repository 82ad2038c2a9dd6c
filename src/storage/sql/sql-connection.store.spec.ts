import type { Kysely } from 'kysely';
import { SQL_DIALECTS } from '../../../test/support/postgres';
import { randomToken } from '../../common/random';
import type { TokensConfig } from '../../config/tokens.config';
import type { Connection } from '../../connections/connection.store';
import { TokenCipher } from '../../connections/token-cipher';
import type { AppEvent } from '../../events/outbox.store';
import { StoreQueryError } from '../store-unavailable';
import { SqlConnectionStore } from './sql-connection.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlSessionStore } from './sql-session.store';
import { SqlWebhookStore } from './sql-webhook.store';

const DAY_MS = 24 * 3600_000;
const cipher = new TokenCipher({ encryptionKeys: [Buffer.alloc(32, 7)] } as TokensConfig);
const SESSIONS = { sessionSecret: 'a-session-secret-of-32-characters', sessionIdleMs: DAY_MS, sessionTtlMs: DAY_MS };

const anEvent = (connectionId: string): AppEvent => ({ id: `evt_${randomToken()}`, type: 'connection.updated', createdAt: new Date(0).toISOString(), data: { connectionId } });

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
  let sessions: SqlSessionStore;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const database = await provision();
    remove = database.remove;
    db = openSqlDatabase(database.options);
    await migrateToLatest(db);
    store = new SqlConnectionStore(db, cipher);
    sessions = new SqlSessionStore(db, SESSIONS);
  });

  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  beforeEach(async () => {
    await db.deleteFrom('connections').execute();
    await db.deleteFrom('outbox_events').execute();
    await db.deleteFrom('webhook_teardowns').execute();
  });

  const eventIds = async (connectionId: string) =>
    (await db.selectFrom('outbox_events').select('id').where('connection_id', '=', connectionId).orderBy('seq').execute()).map((row) => row.id);

  it('reads back what it created, with its tokens or without them', async () => {
    const { email: _email, ...withoutEmail } = aConnection();
    const connections = [aConnection(), withoutEmail, aConnection({ status: 'reauth_required', tokens: undefined, scopes: [] })];
    for (const connection of connections) await store.create(connection);
    for (const { tokens, ...rest } of connections) {
      expect(await store.get(rest.id)).toEqual(tokens ? { ...rest, tokens, version: 1 } : { ...rest, version: 1 });
      expect((await store.load(rest.id))?.connection).toEqual({ ...rest, version: 1 });
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
    const { tokens: _tokens, ...expected } = { ...changed, createdAt: connection.createdAt, version: 2 };
    expect(await store.get(connection.id)).toEqual(expected);
  });

  it('does not bring back a deleted connection: update says it is gone', async () => {
    const connection = aConnection();
    await store.create(connection);
    expect(await store.delete(connection.id)).toBe(true);
    expect(await store.delete(connection.id)).toBe(false);
    expect(await store.update({ ...connection, updatedAt: connection.updatedAt + 1 }, { event: anEvent(connection.id) })).toBe(false);
    expect(await store.get(connection.id)).toBeUndefined();
    expect(await db.selectFrom('connections').selectAll().execute()).toEqual([]);
    expect(await eventIds(connection.id)).toEqual([]);
  });

  it('writes an update only over the version it read: a stale write loses, and neither its row nor its event is stored', async () => {
    const connection = aConnection();
    await store.create(connection);
    const read = (await store.get(connection.id))!;
    expect(read.version).toBe(1);
    const revoked = { ...read, status: 'reauth_required' as const, tokens: undefined, updatedAt: read.updatedAt + 1 };
    const revokedEvent = anEvent(connection.id);
    expect(await store.update(revoked, { event: revokedEvent })).toBe(true);
    // A refresh that read the connection before the revoke, finishing after it.
    const refreshed = { ...read, email: 'stale@example.com', updatedAt: read.updatedAt + 2 };
    const session = sessions.issue();
    expect(await store.update(refreshed, { event: anEvent(connection.id), session })).toBe(false);
    const { tokens: _tokens, ...expected } = { ...revoked, version: 2 };
    expect(await store.get(connection.id)).toEqual(expected);
    expect(await eventIds(connection.id)).toEqual([revokedEvent.id]);
    expect(await sessions.use(session.id)).toBeUndefined();
    expect(await store.update({ ...revoked, version: 2, updatedAt: read.updatedAt + 3 })).toBe(true);
    expect((await store.get(connection.id))?.version).toBe(3);
  });

  it('creates a connection with its event and session in one transaction', async () => {
    const connection = aConnection();
    const event = anEvent(connection.id);
    const session = sessions.issue();
    await store.create(connection, { event, session });
    expect((await store.get(connection.id))?.userId).toBe(connection.userId);
    expect(await eventIds(connection.id)).toEqual([event.id]);
    expect((await sessions.use(session.id))?.connectionId).toBe(connection.id);
  });

  it('stores none of a creation when its insert fails on a duplicate id: no event, no session, the first row as it was', async () => {
    const connection = aConnection();
    await store.create(connection);
    const duplicate = aConnection({ id: connection.id, userId: 'usrSomeoneElse01' });
    const event = anEvent(connection.id);
    const session = sessions.issue();
    const failure = store.create(duplicate, { event, session });
    await expect(failure).rejects.toBeInstanceOf(StoreQueryError);
    await expect(failure.catch((error: StoreQueryError) => error.uniqueViolation)).resolves.toBe(true);
    expect((await store.get(connection.id))?.userId).toBe(connection.userId);
    expect(await eventIds(connection.id)).toEqual([]);
    expect(await sessions.use(session.id)).toBeUndefined();
  });

  it('stores none of a creation when one of its effects fails: the row and session go back with the event', async () => {
    const first = aConnection();
    const event = anEvent(first.id);
    await store.create(first, { event });
    const connection = aConnection();
    const session = sessions.issue();
    // An event id already in the outbox: the last statement of the transaction fails.
    await expect(store.create(connection, { session, event: { ...anEvent(connection.id), id: event.id } })).rejects.toBeInstanceOf(StoreQueryError);
    expect(await store.get(connection.id)).toBeUndefined();
    expect(await sessions.use(session.id)).toBeUndefined();
    expect(await eventIds(connection.id)).toEqual([]);
  });

  it('deletes the sessions of a deleted connection, and stores its event with the deletion', async () => {
    const connection = aConnection();
    const session = sessions.issue();
    await store.create(connection, { session });
    expect((await sessions.use(session.id))?.connectionId).toBe(connection.id);
    const event = anEvent(connection.id);
    expect(await store.delete(connection.id, { event })).toBe(true);
    expect(await db.selectFrom('sessions').selectAll().where('connection_id', '=', connection.id).execute()).toEqual([]);
    expect(await sessions.use(session.id)).toBeUndefined();
    expect(await eventIds(connection.id)).toEqual([event.id]);
  });

  it('leaves the webhooks of a deleted connection to tear down, with its tokens sealed as they were', async () => {
    const webhooks = new SqlWebhookStore(db, cipher, 2_000);
    const connection = aConnection();
    await store.create(connection);
    const ids = [`whk_${randomToken().slice(0, 24)}`, `whk_${randomToken().slice(0, 24)}`];
    for (const [n, id] of ids.entries()) {
      await webhooks.create({ id, airtableId: `ach${randomToken().slice(0, 14)}`, connectionId: connection.id, baseId: `app${n}`, specification: {}, expiresAt: Date.now() + DAY_MS, macSecretBase64: 'c2VjcmV0' });
    }
    const created = (await webhooks.list(connection.id)).sort((a, b) => a.baseId.localeCompare(b.baseId));
    const { tokens: sealed } = await db.selectFrom('connections').select('tokens').where('id', '=', connection.id).executeTakeFirstOrThrow();
    expect(await store.delete(connection.id)).toBe(true);
    expect(await db.selectFrom('webhooks').selectAll().where('connection_id', '=', connection.id).execute()).toEqual([]);
    const teardowns = await db.selectFrom('webhook_teardowns').selectAll().where('connection_id', '=', connection.id).orderBy('base_id').execute();
    expect(teardowns).toEqual(
      created.map((webhook) =>
        expect.objectContaining({ webhook_id: webhook.id, airtable_id: webhook.airtableId, base_id: webhook.baseId, tokens: sealed, attempts: 0 })),
    );
    expect(JSON.stringify(teardowns)).not.toContain(connection.tokens!.refreshToken);
    expect(await webhooks.dueTeardowns(10)).toEqual([connection.id]);
    const leased = await webhooks.leaseTeardowns(connection.id, 60_000);
    expect(leased!.teardowns.map((teardown) => teardown.tokens)).toEqual([connection.tokens, connection.tokens]);
    // One instance at a time tears a deleted connection's webhooks down: its tokens are refreshed once.
    expect(await webhooks.leaseTeardowns(connection.id, 60_000)).toBeUndefined();
  });

  it('leaves nothing to tear down for a connection without tokens: its webhooks just go', async () => {
    const webhooks = new SqlWebhookStore(db, cipher, 2_000);
    const connection = aConnection({ status: 'reauth_required', tokens: undefined });
    await store.create(connection);
    await webhooks.create({ id: `whk_${randomToken().slice(0, 24)}`, airtableId: `ach${randomToken().slice(0, 14)}`, connectionId: connection.id, baseId: 'app1', specification: {}, expiresAt: Date.now() + DAY_MS, macSecretBase64: 'c2VjcmV0' });
    expect(await store.delete(connection.id)).toBe(true);
    expect(await webhooks.list(connection.id)).toEqual([]);
    expect(await db.selectFrom('webhook_teardowns').selectAll().where('connection_id', '=', connection.id).execute()).toEqual([]);
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
