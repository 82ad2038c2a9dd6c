import { sql } from 'kysely';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { types } from 'pg';
import { POSTGRES_URL } from '../../../test/support/postgres';
import { openSqlDatabase, sqlDialectName } from './sql-database';

describe('openSqlDatabase', () => {
  it('picks PostgreSQL for a postgres URL and SQLite otherwise', () => {
    expect(sqlDialectName('postgres://db.internal/service')).toBe('postgres');
    expect(sqlDialectName('postgresql://db.internal/service')).toBe('postgres');
    expect(sqlDialectName(undefined)).toBe('sqlite');
    expect(sqlDialectName('')).toBe('sqlite');
    expect(sqlDialectName('mysql://db.internal/service')).toBe('sqlite');
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
