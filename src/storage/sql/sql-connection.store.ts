import type { Kysely, Selectable } from 'kysely';
import { type Connection, ConnectionStore, type StoredConnection } from '../../connections/connection.store';
import { sealTokens } from '../../connections/sealed-tokens';
import type { TokenCipher } from '../../connections/token-cipher';
import type { ConnectionsTable, SqlSchema } from './sql-database';
import { withinTime } from '../store-unavailable';
import { DEFAULT_SQL_TIMEOUT_MS, type SqlStoreOptions } from './sql-database';

/** Connections in the `connections` table, tokens sealed; the same statements on SQLite and PostgreSQL. */
export class SqlConnectionStore extends ConnectionStore {
  private readonly timeoutMs: number;

  constructor(
    private readonly db: Kysely<SqlSchema>,
    cipher: TokenCipher,
    options: SqlStoreOptions = {},
  ) {
    super(cipher);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
  }

  async create(connection: Connection): Promise<void> {
    const row = { id: connection.id, created_at: connection.createdAt, ...this.columns(connection) };
    await withinTime(this.db.insertInto('connections').values(row).execute(), this.timeoutMs);
  }

  async update(connection: Connection): Promise<boolean> {
    const columns = this.columns(connection);
    const update = this.db.updateTable('connections').set(columns).where('id', '=', connection.id).executeTakeFirst();
    const result = await withinTime(update, this.timeoutMs);
    return result.numUpdatedRows > 0n;
  }

  /** Everything an update may change: the id and creation time stay as they were. */
  private columns(connection: Connection) {
    return {
      user_id: connection.userId,
      end_user_id: connection.endUserId ?? null,
      email: connection.email ?? null,
      scopes: connection.scopes.join(' '),
      status: connection.status,
      tokens: sealTokens(this.cipher, connection),
      refresh_expires_at: connection.tokens?.refreshExpiresAt ?? null,
      updated_at: connection.updatedAt,
    };
  }

  protected async read(id: string): Promise<StoredConnection | undefined> {
    const select = this.db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
    const row = await withinTime(select, this.timeoutMs);
    return row && { connection: toConnection(row), sealedTokens: row.tokens };
  }

  async list(limit: number, afterId?: string, endUserId?: string): Promise<Connection[]> {
    let query = this.db.selectFrom('connections').selectAll().orderBy('id').limit(limit);
    if (afterId !== undefined) query = query.where('id', '>', afterId);
    if (endUserId !== undefined) query = query.where('end_user_id', '=', endUserId);
    return (await withinTime(query.execute(), this.timeoutMs)).map(toConnection);
  }

  async findOwned(endUserId: string, airtableUserId: string): Promise<Connection | undefined> {
    const query = this.db.selectFrom('connections').selectAll().where('end_user_id', '=', endUserId).where('user_id', '=', airtableUserId);
    const row = await withinTime(query.executeTakeFirst(), this.timeoutMs);
    return row && toConnection(row);
  }

  async delete(id: string): Promise<void> {
    await withinTime(this.db.deleteFrom('connections').where('id', '=', id).execute(), this.timeoutMs);
  }

  async dueForKeepAlive(before: number, limit: number): Promise<string[]> {
    const query = this.db
      .selectFrom('connections')
      .select('id')
      .where('status', '=', 'active')
      .where('refresh_expires_at', '<', before)
      .orderBy('refresh_expires_at')
      .limit(limit);
    const rows = await withinTime(query.execute(), this.timeoutMs);
    return rows.map((row) => row.id);
  }
}

/** Who and what, without the tokens (they stay sealed in the row). */
function toConnection(row: Selectable<ConnectionsTable>): Connection {
  return {
    id: row.id,
    userId: row.user_id,
    ...(row.email === null ? {} : { email: row.email }),
    scopes: row.scopes ? row.scopes.split(' ') : [],
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.end_user_id === null ? {} : { endUserId: row.end_user_id }),
  };
}
