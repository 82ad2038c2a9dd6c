import { Inject, Injectable, Logger } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { TokenSet } from '../airtable/token-set';
import { DATABASE } from '../storage/database';
import { type Connection, ConnectionStore } from './connection.store';
import { TokenCipher, TokenDecryptError } from './token-cipher';

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

@Injectable()
export class SqliteConnectionStore extends ConnectionStore {
  private readonly logger = new Logger(SqliteConnectionStore.name);
  private readonly statements;

  constructor(
    @Inject(DATABASE) db: Database.Database,
    private readonly cipher: TokenCipher,
  ) {
    super();
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
      tokens: connection.tokens ? this.cipher.seal(JSON.stringify(connection.tokens), connection.id) : null,
      refresh_expires_at: connection.tokens?.refreshExpiresAt ?? null,
      created_at: connection.createdAt,
      updated_at: connection.updatedAt,
    });
  }

  async get(id: string): Promise<Connection | undefined> {
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
    if (row.tokens === null) return connection;
    try {
      return { ...connection, tokens: JSON.parse(this.cipher.open(row.tokens, row.id)) as TokenSet };
    } catch (error) {
      if (!(error instanceof TokenDecryptError)) throw error;
      // A removed key or a tampered record: the tokens are lost, the user must connect again.
      this.logger.warn('Stored tokens of a connection could not be decrypted; it needs re-authorization');
      return { ...connection, status: 'reauth_required' };
    }
  }

  async delete(id: string): Promise<void> {
    this.statements.delete.run(id);
  }

  async dueForKeepAlive(before: number, limit: number): Promise<string[]> {
    return this.statements.due.all(before, limit).map((row) => row.id);
  }
}
