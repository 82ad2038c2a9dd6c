import type Database from 'better-sqlite3';
import { type Connection, ConnectionStore, type StoredConnection } from './connection.store';
import { sealTokens } from './sealed-tokens';
import type { TokenCipher } from './token-cipher';

interface Row {
  id: string;
  user_id: string;
  email: string | null;
  scopes: string;
  status: Connection['status'];
  tokens: string | null;
  created_at: number;
  updated_at: number;
}

export class SqliteConnectionStore extends ConnectionStore {
  private readonly statements;

  constructor(db: Database.Database, cipher: TokenCipher) {
    super(cipher);
    this.statements = {
      upsert: db.prepare(`
        INSERT INTO connections (id, user_id, email, scopes, status, tokens, refresh_expires_at, created_at, updated_at)
        VALUES (@id, @user_id, @email, @scopes, @status, @tokens, @refresh_expires_at, @created_at, @updated_at)
        ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, email = excluded.email, scopes = excluded.scopes,
          status = excluded.status, tokens = excluded.tokens, refresh_expires_at = excluded.refresh_expires_at,
          updated_at = excluded.updated_at`),
      get: db.prepare<[string], Row>('SELECT * FROM connections WHERE id = ?'),
      delete: db.prepare('DELETE FROM connections WHERE id = ?'),
      due: db.prepare<[number, number], { id: string }>(
        `SELECT id FROM connections WHERE status = 'active' AND refresh_expires_at < ? ORDER BY refresh_expires_at LIMIT ?`,
      ),
    };
  }

  async save(connection: Connection): Promise<void> {
    this.statements.upsert.run({
      id: connection.id,
      user_id: connection.userId,
      email: connection.email ?? null,
      scopes: connection.scopes.join(' '),
      status: connection.status,
      tokens: sealTokens(this.cipher, connection),
      refresh_expires_at: connection.tokens?.refreshExpiresAt ?? null,
      created_at: connection.createdAt,
      updated_at: connection.updatedAt,
    });
  }

  protected async read(id: string): Promise<StoredConnection | undefined> {
    const row = this.statements.get.get(id);
    if (!row) return undefined;
    const connection: Connection = {
      id: row.id,
      userId: row.user_id,
      ...(row.email === null ? {} : { email: row.email }),
      scopes: row.scopes ? row.scopes.split(' ') : [],
      status: row.status,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    return { connection, sealedTokens: row.tokens };
  }

  async delete(id: string): Promise<void> {
    this.statements.delete.run(id);
  }

  async dueForKeepAlive(before: number, limit: number): Promise<string[]> {
    return this.statements.due.all(before, limit).map((row) => row.id);
  }
}
