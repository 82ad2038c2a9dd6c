import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const DATABASE = Symbol('DATABASE');

const SCHEMA = `
CREATE TABLE IF NOT EXISTS connections (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  email TEXT,
  scopes TEXT NOT NULL,
  status TEXT NOT NULL,
  -- AES-256-GCM sealed TokenSet JSON, with the connection id as associated data; NULL once revoked.
  tokens TEXT,
  -- Not secret, kept in the clear so the keep-alive job can find what nears its end.
  refresh_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS connections_refresh_expires_at ON connections (refresh_expires_at);
CREATE TABLE IF NOT EXISTS sessions (
  -- HMAC of the session id: the cookie value itself is never stored.
  id_hash TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_connection_id ON sessions (connection_id);
`;

/** Opens (creating if needed) the SQLite file with its schema. */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL: readers do not wait for the writer, and a crash (even kill -9) leaves the last commit intact.
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}
