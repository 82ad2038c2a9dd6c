import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
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
import { migrateToLatest } from './sql-migrations';
import { SqlSessionStore } from './sql-session.store';

const ALL = ['001-connections-and-sessions', '002-idempotency-keys', '003-api-keys', '004-connect-links', '005-outbox', '006-webhooks'];
const FIRST = ALL[0];
const FIXTURE = join(__dirname, '../../../test/fixtures/store-v0.sqlite');
const recorded = JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/store-v0.json'), 'utf8')) as {
  sessionSecret: string;
  encryptionKey: string;
  sid: string;
  connection: Connection;
};

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
      expect(await new SqlConnectionStore(db, cipher).get(recorded.connection.id)).toEqual(recorded.connection);
      // Lifetimes that outlast the recording, whenever this runs.
      const sessions = new SqlSessionStore(db, { sessionSecret: recorded.sessionSecret, sessionIdleMs: aCentury, sessionTtlMs: aCentury });
      expect((await sessions.use(recorded.sid))?.connectionId).toBe(recorded.connection.id);
      sessions.onModuleDestroy();
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
      expect(await db.selectFrom('connections').selectAll().execute()).toEqual([CONNECTION_ROW]);
    });
  });
});
