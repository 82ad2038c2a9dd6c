import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { Clock, SystemClock } from '../../common/clock';
import { hmac, randomToken } from '../../common/random';
import type { AppConfig } from '../../config/app.config';
import { type Session, sessionLife, SessionStore } from '../../sessions/session.store';
import type { SqlSchema } from './sql-database';
import { withinTime } from '../store-unavailable';
import { DEFAULT_SQL_TIMEOUT_MS, type SqlStoreOptions } from './sql-database';

export type SessionSettings = Pick<AppConfig, 'sessionSecret' | 'sessionIdleMs' | 'sessionTtlMs'>;

export interface SqlSessionStoreOptions extends SqlStoreOptions {
  /** How often sessions past their lifetime are deleted. */
  purgeEveryMs?: number;
  /** What lifetimes are measured against; the system clock by default. */
  clock?: Clock;
}

const PURGE_EVERY_MS = 10 * 60_000;

/** Sessions in the `sessions` table under the HMAC of their id; the same statements on SQLite and PostgreSQL. */
export class SqlSessionStore extends SessionStore implements OnModuleDestroy {
  private readonly logger = new Logger(SqlSessionStore.name);
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly purgeTimer: NodeJS.Timeout;

  constructor(
    private readonly db: Kysely<SqlSchema>,
    private readonly config: SessionSettings,
    options: SqlSessionStoreOptions = {},
  ) {
    super();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
    this.clock = options.clock ?? new SystemClock();
    this.purgeTimer = setInterval(() => {
      this.purge().catch(() => this.logger.warn('Expired sessions could not be purged; the next round will try again'));
    }, options.purgeEveryMs ?? PURGE_EVERY_MS).unref();
  }

  async create(connectionId: string): Promise<string> {
    const id = randomToken();
    const now = this.clock.now();
    const row = { id_hash: this.key(id), connection_id: connectionId, created_at: now, last_seen_at: now };
    await withinTime(this.db.insertInto('sessions').values(row).execute(), this.timeoutMs);
    return id;
  }

  async use(id: string): Promise<Session | undefined> {
    return withinTime(this.visit(this.key(id)), this.timeoutMs);
  }

  async delete(id: string): Promise<void> {
    await withinTime(this.db.deleteFrom('sessions').where('id_hash', '=', this.key(id)).execute(), this.timeoutMs);
  }

  /** Deletes every session past its idle or absolute lifetime (the timer does this on its own). */
  async purge(): Promise<void> {
    const now = this.clock.now();
    const purge = this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('last_seen_at', '<', now - this.config.sessionIdleMs), eb('created_at', '<', now - this.config.sessionTtlMs)]));
    await withinTime(purge.execute(), this.timeoutMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
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

  private key(id: string): string {
    return hmac(this.config.sessionSecret, id);
  }
}
