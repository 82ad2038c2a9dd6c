import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { hmac, randomToken } from '../common/random';
import { appConfig, type AppConfig } from '../config/app.config';
import { DATABASE } from '../storage/database';
import { type Session, SessionStore } from './session.store';

/** A visit is written back at most this often (or a tenth of the idle time), so reads do not each write. */
const TOUCH_EVERY_MS = 60_000;
const PURGE_EVERY_MS = 10 * 60_000;

interface Row {
  connection_id: string;
  created_at: number;
  last_seen_at: number;
}

@Injectable()
export class SqliteSessionStore extends SessionStore implements OnModuleDestroy {
  private readonly statements;
  private readonly purgeTimer: NodeJS.Timeout;

  constructor(
    @Inject(DATABASE) db: Database.Database,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    super();
    this.statements = {
      insert: db.prepare('INSERT INTO sessions (id_hash, connection_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)'),
      get: db.prepare<[string], Row>('SELECT connection_id, created_at, last_seen_at FROM sessions WHERE id_hash = ?'),
      touch: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?'),
      delete: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
      purge: db.prepare('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?'),
    };
    this.purgeTimer = setInterval(() => this.purge(), PURGE_EVERY_MS).unref();
  }

  async create(connectionId: string): Promise<string> {
    const id = randomToken();
    const now = Date.now();
    this.statements.insert.run(this.key(id), connectionId, now, now);
    return id;
  }

  async use(id: string): Promise<Session | undefined> {
    const key = this.key(id);
    const row = this.statements.get.get(key);
    if (!row) return undefined;
    const now = Date.now();
    if (now - row.last_seen_at > this.config.sessionIdleMs || now - row.created_at > this.config.sessionTtlMs) {
      this.statements.delete.run(key);
      return undefined;
    }
    if (now - row.last_seen_at > Math.min(TOUCH_EVERY_MS, this.config.sessionIdleMs / 10)) this.statements.touch.run(now, key);
    return { connectionId: row.connection_id, createdAt: row.created_at, lastSeenAt: now };
  }

  async delete(id: string): Promise<void> {
    this.statements.delete.run(this.key(id));
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  private purge(): void {
    const now = Date.now();
    this.statements.purge.run(now - this.config.sessionIdleMs, now - this.config.sessionTtlMs);
  }

  private key(id: string): string {
    return hmac(this.config.sessionSecret, id);
  }
}
