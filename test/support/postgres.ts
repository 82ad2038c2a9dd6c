import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type Insertable, type Kysely, sql } from 'kysely';
import type { ConnectionsTable, SqlSchema } from '../../src/storage/sql/sql-database';
import { dbNow } from '../../src/storage/sql/sql-dialect';
import { openSqlDatabase } from '../../src/storage/sql/sql-database';
import { migrateToLatest } from '../../src/storage/sql/sql-migrations';

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

/** A connection as a bare row, for specs that need one in the table (sessions belong to one). */
export const CONNECTION_ROW: Insertable<ConnectionsTable> = {
  id: 'conn-1',
  user_id: 'usrTest00000001',
  email: null,
  scopes: '',
  status: 'active',
  tokens: null,
  refresh_expires_at: 1,
  created_at: 1,
  updated_at: 1,
  end_user_id: null,
};

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

const PG_BIN = `/usr/lib/postgresql/${process.env.TEST_PG_VERSION ?? readdirSync('/usr/lib/postgresql')[0]}/bin`;

/** A private PostgreSQL server (own data folder and port) that a test may stop and start again. */
export class PrivatePostgres {
  private readonly dir = mkdtempSync(join(tmpdir(), 'private-pg-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async init(): Promise<void> {
    chownSync(this.dir, postgresUid(), postgresGid());
    asPostgres('initdb', ['-D', `${this.dir}/data`, '-A', 'trust', '-U', 'postgres']);
    await this.start();
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir}`;
    asPostgres('pg_ctl', ['-D', `${this.dir}/data`, '-o', options, '-l', `${this.dir}/log`, '-w', 'start']);
  }

  /** Stops at once, as a crash would: no checkpoint, clients cut off. */
  async stop(): Promise<void> {
    asPostgres('pg_ctl', ['-D', `${this.dir}/data`, '-m', 'immediate', '-w', 'stop']);
  }

  async remove(): Promise<void> {
    try {
      await this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function asPostgres(tool: string, args: string[]): void {
  // The server refuses to run as root, so its tools run as the postgres user.
  const command = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', `${PG_BIN}/${tool}`, ...args] : [`${PG_BIN}/${tool}`, ...args];
  execFileSync(command[0], command.slice(1), { stdio: 'ignore', timeout: 30_000 });
}

const postgresUid = () => (process.getuid?.() === 0 ? Number(execFileSync('id', ['-u', 'postgres']).toString()) : process.getuid!());
const postgresGid = () => (process.getuid?.() === 0 ? Number(execFileSync('id', ['-g', 'postgres']).toString()) : process.getgid!());

/** The database's time now, as the stores read it: for specs that check what a store wrote. */
export async function readDbNow(db: Kysely<SqlSchema>): Promise<number> {
  const { rows } = await sql<{ now: number | string }>`select ${dbNow(db)} as now`.execute(db);
  return Number(rows[0].now);
}

/** A fresh database of `provision`, migrated to the latest schema, with `CONNECTION_ROW` in it. */
export async function migratedDatabase(provision: () => Promise<FreshSqlDatabase>): Promise<{ db: Kysely<SqlSchema>; remove: () => Promise<void> }> {
  const database = await provision();
  const db = openSqlDatabase(database.options);
  await migrateToLatest(db);
  await db.insertInto('connections').values(CONNECTION_ROW).execute();
  return { db, remove: database.remove };
}
