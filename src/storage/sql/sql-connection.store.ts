import type { Kysely, Selectable } from 'kysely';
import { AppError, ErrorCode } from '../../common/app-error';
import { type Connection, type ConnectionEffects, ConnectionStore, type StoredConnection } from '../../connections/connection.store';
import { sealTokens } from '../../connections/sealed-tokens';
import type { TokenCipher } from '../../connections/token-cipher';
import { withinTime } from '../store-unavailable';
import { type ConnectionsTable, DEFAULT_SQL_TIMEOUT_MS, type SqlSchema, type SqlStoreOptions } from './sql-database';
import { dbNow, isPostgres } from './sql-dialect';
import { insertEvent } from './sql-outbox.store';

/**
 * Connections in the `connections` table, tokens sealed; the same statements on SQLite and PostgreSQL.
 * Every change is one transaction with its effects: its event, the login's session, the link it used.
 */
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

  async create(connection: Connection, effects: ConnectionEffects = {}): Promise<void> {
    const row = { id: connection.id, created_at: connection.createdAt, ...this.columns(connection) };
    await this.run(async (trx) => {
      await trx.insertInto('connections').values(row).execute();
      await this.apply(trx, connection.id, effects);
      return true;
    });
  }

  async update(connection: Connection, effects: ConnectionEffects = {}): Promise<boolean> {
    return this.run(async (trx) => {
      let update = trx
        .updateTable('connections')
        .set(this.columns(connection))
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('id', '=', connection.id);
      if (connection.version !== undefined) update = update.where('version', '=', connection.version);
      if (Number((await update.executeTakeFirst()).numUpdatedRows) !== 1) {
        // Deleted meanwhile: a refresh that rotated its tokens at Airtable hands them to the deletion of
        // its webhooks there, whose kept tokens Airtable has just killed.
        if (connection.tokens) await trx.updateTable('webhook_teardowns').set({ tokens: sealTokens(this.cipher, connection)! }).where('connection_id', '=', connection.id).execute();
        return false;
      }
      await this.apply(trx, connection.id, effects);
      return true;
    });
  }

  async delete(id: string, effects: ConnectionEffects = {}): Promise<boolean> {
    return this.run(async (trx) => {
      // Locked on PostgreSQL: a refresh or a new webhook of this connection commits before or after, not in between.
      const select = trx.selectFrom('connections').select('tokens').where('id', '=', id);
      const row = await (isPostgres(trx) ? select.forUpdate() : select).executeTakeFirst();
      if (!row) return false;
      // Its webhooks hold places at Airtable until deleted there, which needs the tokens: they are
      // kept, sealed as they were, only for that (WebhookTeardowns), and the webhooks go with the row.
      if (row.tokens !== null) {
        const teardowns = trx
          .selectFrom('webhooks')
          .select((eb) => ['id', 'connection_id', 'airtable_id', 'base_id', eb.val(row.tokens!).as('tokens'), eb.lit(0).as('attempts'), dbNow(trx).as('next_attempt_at'), dbNow(trx).as('created_at')])
          .where('connection_id', '=', id);
        await trx
          .insertInto('webhook_teardowns')
          .columns(['webhook_id', 'connection_id', 'airtable_id', 'base_id', 'tokens', 'attempts', 'next_attempt_at', 'created_at'])
          .expression(teardowns)
          .execute();
      }
      await trx.deleteFrom('connections').where('id', '=', id).execute();
      await this.apply(trx, id, effects);
      return true;
    });
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

  private async apply(trx: Kysely<SqlSchema>, connectionId: string, { event, session, endSessionHash, linkHash }: ConnectionEffects): Promise<void> {
    if (endSessionHash) await trx.deleteFrom('sessions').where('id_hash', '=', endSessionHash).execute();
    if (session) {
      await trx
        .insertInto('sessions')
        .values({ id_hash: session.idHash, connection_id: connectionId, created_at: session.createdAt, last_seen_at: session.createdAt })
        .execute();
    }
    if (linkHash) {
      // A link makes one connection: a second login through it may renew that one, never make another.
      const used = await trx
        .updateTable('connect_links')
        .set((eb) => ({ used_at: eb.fn.coalesce('used_at', dbNow(trx)), connection_id: connectionId }))
        .where('token_hash', '=', linkHash)
        .where((eb) => eb.or([eb('connection_id', 'is', null), eb('connection_id', '=', connectionId)]))
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) throw new AppError(ErrorCode.ConnectLinkUsed);
    }
    if (event) await insertEvent(trx, connectionId, event);
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

  private run<T>(work: (trx: Kysely<SqlSchema>) => Promise<T>): Promise<T> {
    return withinTime(this.db.transaction().execute(work), this.timeoutMs);
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
    version: Number(row.version),
  };
}
