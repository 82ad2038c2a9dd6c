import { sql } from 'kysely';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { types } from 'pg';
import { POSTGRES_URL } from '../../../test/support/postgres';
import { openSqlDatabase } from './sql-database';

describe('openSqlDatabase', () => {
  it('opens PostgreSQL for a postgres URL and SQLite without one', async () => {
    const postgres = openSqlDatabase({ url: POSTGRES_URL, path: '' });
    const sqlite = openSqlDatabase({ path: ':memory:' });
    try {
      expect((await sql<{ v: string }>`select version() as v`.execute(postgres)).rows[0].v).toMatch(/^PostgreSQL/);
      expect((await sql<{ v: string }>`select sqlite_version() as v`.execute(sqlite)).rows[0].v).toMatch(/^3\./);
    } finally {
      await Promise.all([postgres.destroy(), sqlite.destroy()]);
    }
  });

  it('reads BIGINT as a number on its own pool, leaving the process-wide parsers alone', async () => {
    const db = openSqlDatabase({ url: POSTGRES_URL, path: '' });
    try {
      const { rows } = await sql<{ n: unknown }>`select 1796223072151::bigint as n`.execute(db);
      expect(rows).toEqual([{ n: 1796223072151 }]);
      expect(types.getTypeParser(20)('5')).toBe('5');
    } finally {
      await db.destroy();
    }
  });

  it('creates the folder of a SQLite file, in WAL mode with foreign keys enforced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sql-database-'));
    const path = join(dir, 'nested', 'store.sqlite');
    const db = openSqlDatabase({ path });
    try {
      expect(existsSync(path)).toBe(true);
      expect((await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)).rows).toEqual([{ journal_mode: 'wal' }]);
      expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows).toEqual([{ foreign_keys: 1 }]);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
