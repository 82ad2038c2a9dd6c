import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../../common/app-error';
import type { TokensConfig } from '../../config/tokens.config';
import { TokenCipher } from '../../connections/token-cipher';
import type { Connection } from '../../connections/connection.store';
import { SqlConnectionStore } from './sql-connection.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { SqlIdempotencyStore } from './sql-idempotency.store';
import { migrateToLatest } from './sql-migrations';
import { SqlOutboxStore } from './sql-outbox.store';
import { SqlSessionStore } from './sql-session.store';

const cipher = new TokenCipher({ encryptionKeys: [Buffer.alloc(32, 7)] } as TokensConfig);
const settings = { sessionSecret: 'a-session-secret-of-32-characters', sessionIdleMs: 60_000, sessionTtlMs: 60_000 };
const storeUnavailable = expect.objectContaining({ code: ErrorCode.StoreUnavailable, name: AppError.name });
const connection: Connection = { id: 'conn-1', userId: 'usrTest00000001', scopes: [], status: 'reauth_required', createdAt: 1, updatedAt: 1 };
const event = { id: 'evt_1', type: 'connection.created' as const, createdAt: new Date(0).toISOString(), data: {} };

/** Something on a port that takes TCP connections and never says a word, like a frozen server. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await expect(work()).rejects.toEqual(storeUnavailable);
  return Date.now() - start;
}

describe('SQL stores when the database fails', () => {
  it('answer store_unavailable at once when PostgreSQL refuses connections', async () => {
    const server = await silentServer();
    const url = server.url;
    await server.close();
    const db = openSqlDatabase({ url, path: '' });
    expect(await elapsedMs(() => new SqlConnectionStore(db, cipher).get('conn-1'))).toBeLessThan(1_000);
    await expect(new SqlSessionStore(db, settings).use('sid')).rejects.toEqual(storeUnavailable);
    // A change and its effects in one transaction, and the outbox's turn: the same answer.
    const sessions = new SqlSessionStore(db, settings);
    await expect(new SqlConnectionStore(db, cipher).create(connection, { event, session: sessions.issue() })).rejects.toEqual(storeUnavailable);
    await expect(new SqlOutboxStore(db, 2_000).takeTurn(60_000)).rejects.toEqual(storeUnavailable);
    await db.destroy();
  });

  it('give up within the store timeout when PostgreSQL does not answer', async () => {
    const server = await silentServer();
    const db = openSqlDatabase({ url: server.url, path: '', timeoutMs: 10_000 });
    expect(await elapsedMs(() => new SqlConnectionStore(db, cipher, { timeoutMs: 300 }).get('conn-1'))).toBeLessThan(1_000);
    expect(await elapsedMs(() => new SqlConnectionStore(db, cipher, { timeoutMs: 300 }).update(connection, { event }))).toBeLessThan(1_000);
    expect(await elapsedMs(() => new SqlIdempotencyStore(db, 300).claim({ connectionId: 'conn-1', key: 'k' }, 'f', 60_000, 60_000))).toBeLessThan(1_000);
    await server.close();
    await db.destroy();
  });

  it('give up within the connection timeout when PostgreSQL does not answer', async () => {
    const server = await silentServer();
    const db = openSqlDatabase({ url: server.url, path: '', timeoutMs: 300 });
    expect(await elapsedMs(() => new SqlConnectionStore(db, cipher, { timeoutMs: 10_000 }).dueForKeepAlive(0, 1))).toBeLessThan(1_000);
    await server.close();
    await db.destroy();
  });

  describe('on SQLite', () => {
    let dir: string;
    let db: Kysely<SqlSchema>;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sql-store-'));
      db = openSqlDatabase({ path: join(dir, 'store.sqlite'), timeoutMs: 200 });
      await migrateToLatest(db);
    });

    afterAll(async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answer store_unavailable, not SQLITE_BUSY, while another process holds the write lock, and store nothing of the change', async () => {
      const other = new Database(join(dir, 'store.sqlite'));
      other.exec('BEGIN IMMEDIATE');
      const connections = new SqlConnectionStore(db, cipher);
      try {
        const failure = connections.create(connection, { event, session: new SqlSessionStore(db, settings).issue() });
        await expect(failure).rejects.toEqual(storeUnavailable);
        await expect(failure.catch((error: AppError) => error.cause)).resolves.toMatchObject({ code: 'SQLITE_BUSY' });
        await expect(new SqlSessionStore(db, settings).purge(10)).rejects.toEqual(storeUnavailable);
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
      expect(await connections.get(connection.id)).toBeUndefined();
      expect(await db.selectFrom('outbox_events').selectAll().execute()).toEqual([]);
      expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    });
  });
});
