import Database from 'better-sqlite3';
import { type Kysely, Migrator } from 'kysely';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONNECTION_ROW, createTestDatabase, SQL_DIALECTS } from '../../../test/support/postgres';
import type { TokensConfig } from '../../config/tokens.config';
import type { Connection } from '../../connections/connection.store';
import { TokenCipher } from '../../connections/token-cipher';
import { SqlConnectionStore } from './sql-connection.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { MIGRATIONS, migrateToLatest } from './sql-migrations';
import { insertEvent, SqlOutboxStore } from './sql-outbox.store';
import { SqlSessionStore } from './sql-session.store';

const ALL = ['001-connections-and-sessions', '002-idempotency-keys', '003-api-keys', '004-connect-links', '005-outbox', '006-webhooks', '007-durable-order'];
const FIRST = ALL[0];
const FIXTURE = join(__dirname, '../../../test/fixtures/store-v0.sqlite');
const recorded = JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/store-v0.json'), 'utf8')) as {
  sessionSecret: string;
  encryptionKey: string;
  sid: string;
  connection: Connection;
};

/** The migrations before 007, to build a database as it was before it. */
const BEFORE_007 = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '007'));

/** A row of the outbox as 005 made it. */
interface LegacyOutboxEvent {
  id: string;
  seq: number;
  connection_id: string;
  body: string;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const aCentury = 100 * 365 * 24 * 3600_000;

describe('migrateToLatest', () => {
  const dirs: string[] = [];
  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sql-migrations-'));
    dirs.push(dir);
    return dir;
  }
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('adopts a SQLite file written before migrations, with its connection and session intact', async () => {
    const fixtureHash = sha256(FIXTURE);
    const path = join(tempDir(), 'store.sqlite');
    copyFileSync(FIXTURE, path);
    const db = openSqlDatabase({ path });
    try {
      expect(await migrateToLatest(db)).toEqual(ALL);
      const cipher = new TokenCipher({ encryptionKeys: [Buffer.from(recorded.encryptionKey, 'base64url')] } as TokensConfig);
      expect(await new SqlConnectionStore(db, cipher).get(recorded.connection.id)).toEqual({ ...recorded.connection, version: 1 });
      // Lifetimes that outlast the recording, whenever this runs.
      const sessions = new SqlSessionStore(db, { sessionSecret: recorded.sessionSecret, sessionIdleMs: aCentury, sessionTtlMs: aCentury });
      expect((await sessions.use(recorded.sid))?.connectionId).toBe(recorded.connection.id);
    } finally {
      await db.destroy();
    }
    expect(sha256(FIXTURE)).toBe(fixtureHash);
  });

  it('names the migration that failed', async () => {
    const path = join(tempDir(), 'store.sqlite');
    const broken = new Database(path);
    // A view where the table should be: CREATE TABLE IF NOT EXISTS passes, the index on it cannot.
    broken.exec('CREATE VIEW connections AS SELECT 1 AS refresh_expires_at');
    broken.close();
    const db = openSqlDatabase({ path });
    await expect(migrateToLatest(db)).rejects.toThrow(`Database migration ${FIRST} failed`);
    await db.destroy();
  });

  it('lets two instances migrate one fresh PostgreSQL database at the same time', async () => {
    const database = await createTestDatabase();
    const instances = [openSqlDatabase({ url: database.url, path: '' }), openSqlDatabase({ url: database.url, path: '' })];
    try {
      const applied = await Promise.all(instances.map((db) => migrateToLatest(db)));
      expect(applied.flat()).toEqual(ALL);
      const migrations = instances[1].withTables<{ kysely_migration: { name: string } }>();
      expect(await migrations.selectFrom('kysely_migration').select('name').execute()).toEqual(ALL.map((name) => ({ name })));
    } finally {
      await Promise.all(instances.map((db) => db.destroy()));
      await database.drop();
    }
  });

  describe.each(SQL_DIALECTS)('on %s', (_dialect, provision) => {
    let db: Kysely<SqlSchema>;
    let remove: () => Promise<void>;

    beforeAll(async () => {
      const database = await provision();
      remove = database.remove;
      db = openSqlDatabase(database.options);
    });

    afterAll(async () => {
      await db?.destroy();
      await remove?.();
    });

    it('does nothing the second time, and keeps the rows written in between', async () => {
      expect(await migrateToLatest(db)).toEqual(ALL);
      await db.insertInto('connections').values(CONNECTION_ROW).execute();
      expect(await migrateToLatest(db)).toEqual([]);
      expect(await db.selectFrom('connections').selectAll().execute()).toEqual([{ ...CONNECTION_ROW, version: 1 }]);
    });

    it('carries the events still waiting in the old outbox into the new one, in their order, and numbers new ones after them', async () => {
      const database = await provision();
      const old = openSqlDatabase(database.options);
      try {
        await new Migrator({ db: old, provider: { getMigrations: async () => BEFORE_007 } }).migrateToLatest();
        const legacy = old as unknown as Kysely<{ outbox_events: LegacyOutboxEvent }>;
        const body = (id: string) => JSON.stringify({ id, type: 'connection.updated', createdAt: new Date(0).toISOString(), data: {} });
        // Stored out of order: the old sequence, not the insertion, is the order to keep.
        await legacy
          .insertInto('outbox_events')
          .values([
            { id: 'evt_b', seq: 20, connection_id: 'conn-1', body: body('evt_b'), attempts: 3, next_attempt_at: 0, created_at: 2 },
            { id: 'evt_a', seq: 10, connection_id: 'conn-1', body: body('evt_a'), attempts: 0, next_attempt_at: 0, created_at: 1 },
            { id: 'evt_c', seq: 30, connection_id: 'conn-2', body: body('evt_c'), attempts: 0, next_attempt_at: 0, created_at: 3 },
          ])
          .execute();
        expect(await migrateToLatest(old)).toEqual(['007-durable-order']);
        await old.transaction().execute((trx) => insertEvent(trx, 'conn-1', { id: 'evt_new', type: 'connection.updated', createdAt: new Date(0).toISOString(), data: {} }));
        const rows = await old.selectFrom('outbox_events').select(['id', 'status', 'attempts', 'finished_at']).orderBy('seq').execute();
        expect(rows).toEqual([
          { id: 'evt_a', status: 'pending', attempts: 0, finished_at: null },
          { id: 'evt_b', status: 'pending', attempts: 3, finished_at: null },
          { id: 'evt_c', status: 'pending', attempts: 0, finished_at: null },
          { id: 'evt_new', status: 'pending', attempts: 0, finished_at: null },
        ]);
        expect((await new SqlOutboxStore(old, 2_000).pending(10)).map((pending) => pending.event.id)).toEqual(['evt_a', 'evt_c']);
      } finally {
        await old.destroy();
        await database.remove();
      }
    });
  });
});
