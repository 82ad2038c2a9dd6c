import type { Kysely } from 'kysely';
import { Clock, SystemClock } from '../../common/clock';
import { hmac, randomToken } from '../../common/random';
import type { AppConfig } from '../../config/app.config';
import { type NewSession, type Session, sessionLife, SessionStore } from '../../sessions/session.store';
import { withinTime } from '../store-unavailable';
import { DEFAULT_SQL_TIMEOUT_MS, type SqlSchema, type SqlStoreOptions } from './sql-database';

export type SessionSettings = Pick<AppConfig, 'sessionSecret' | 'sessionIdleMs' | 'sessionTtlMs'>;

export interface SqlSessionStoreOptions extends SqlStoreOptions {
  /** What lifetimes are measured against; the system clock by default. */
  clock?: Clock;
}

/**
 * Sessions in the `sessions` table under the HMAC of their id; the same statements on SQLite and
 * PostgreSQL. A login's session is stored by the connection store, in the login's transaction.
 */
export class SqlSessionStore extends SessionStore {
  private readonly timeoutMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly db: Kysely<SqlSchema>,
    private readonly config: SessionSettings,
    options: SqlSessionStoreOptions = {},
  ) {
    super();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
    this.clock = options.clock ?? new SystemClock();
  }

  issue(): NewSession {
    const id = randomToken();
    return { id, idHash: this.hashOf(id), createdAt: this.clock.now() };
  }

  hashOf(id: string): string {
    return hmac(this.config.sessionSecret, id);
  }

  async use(id: string): Promise<Session | undefined> {
    return withinTime(this.visit(this.hashOf(id)), this.timeoutMs);
  }

  async delete(id: string): Promise<void> {
    await withinTime(this.db.deleteFrom('sessions').where('id_hash', '=', this.hashOf(id)).execute(), this.timeoutMs);
  }

  async purge(limit: number): Promise<number> {
    const now = this.clock.now();
    const ended = this.db
      .selectFrom('sessions')
      .select('id_hash')
      .where((eb) => eb.or([eb('last_seen_at', '<', now - this.config.sessionIdleMs), eb('created_at', '<', now - this.config.sessionTtlMs)]))
      .limit(limit);
    return Number((await withinTime(this.db.deleteFrom('sessions').where('id_hash', 'in', ended).executeTakeFirst(), this.timeoutMs)).numDeletedRows);
  }

  /** Reads the session, ends it when its time is up, and records the visit now and then. */
  private async visit(key: string): Promise<Session | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id_hash', '=', key).executeTakeFirst();
    if (!row) return undefined;
    const now = this.clock.now();
    const session: Session = { connectionId: row.connection_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at };
    const life = sessionLife(session, now, this.config);
    if (life.expired) {
      await this.db.deleteFrom('sessions').where('id_hash', '=', key).execute();
      return undefined;
    }
    if (life.needsTouch) await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', key).execute();
    return { ...session, lastSeenAt: now };
  }
}
