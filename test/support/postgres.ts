import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** A server where user postgres may create databases (trust auth on this machine). */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** The fresh database's own URL. */
  url: string;
  /** Drops it, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

/** A database of this test's own, with a random name, so test files never see each other's rows. */
export async function createTestDatabase(serverUrl = POSTGRES_URL): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await asAdmin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => asAdmin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function asAdmin(serverUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export interface FreshSqlDatabase {
  /** What the SQL stores open: a PostgreSQL URL, or a SQLite file path. */
  options: { url?: string; path: string };
  remove(): Promise<void>;
}

/** For `describe.each`: an empty database on each dialect the SQL stores run on. */
export const SQL_DIALECTS: [string, () => Promise<FreshSqlDatabase>][] = [
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sql-store-'));
      return { options: { path: join(dir, 'store.sqlite') }, remove: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase();
      return { options: { url: database.url, path: '' }, remove: database.drop };
    },
  ],
];
