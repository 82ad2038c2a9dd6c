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
      insert: db.prepare(`
        INSERT INTO connections (id, user_id, email, scopes, status, tokens, refresh_expires_at, created_at, updated_at)
        VALUES (@id, @user_id, @email, @scopes, @status, @tokens, @refresh_expires_at, @created_at, @updated_at)`),
      update: db.prepare(`
        UPDATE connections SET user_id = @user_id, email = @email, scopes = @scopes, status = @status, tokens = @tokens,
          refresh_expires_at = @refresh_expires_at, updated_at = @updated_at
        WHERE id = @id`),
      get: db.prepare<[string], Row>('SELECT * FROM connections WHERE id = ?'),
      delete: db.prepare('DELETE FROM connections WHERE id = ?'),
      due: db.prepare<[number, number], { id: string }>(
        `SELECT id FROM connections WHERE status = 'active' AND refresh_expires_at < ? ORDER BY refresh_expires_at LIMIT ?`,
      ),
    };
  }

  async create(connection: Connection): Promise<void> {
    this.statements.insert.run(this.row(connection));
  }

  async update(connection: Connection): Promise<boolean> {
    return this.statements.update.run(this.row(connection)).changes > 0;
  }

  private row(connection: Connection) {
    return {
      id: connection.id,
      user_id: connection.userId,
      email: connection.email ?? null,
      scopes: connection.scopes.join(' '),
      status: connection.status,
      tokens: sealTokens(this.cipher, connection),
      refresh_expires_at: connection.tokens?.refreshExpiresAt ?? null,
      created_at: connection.createdAt,
      updated_at: connection.updatedAt,
    };
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
