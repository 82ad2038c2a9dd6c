import type { OnModuleDestroy } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { hmac, randomToken } from '../common/random';
import type { AppConfig } from '../config/app.config';
import { type Session, sessionLife, SessionStore } from './session.store';

const PURGE_EVERY_MS = 10 * 60_000;

interface Row {
  connection_id: string;
  created_at: number;
  last_seen_at: number;
}

export class SqliteSessionStore extends SessionStore implements OnModuleDestroy {
  private readonly statements;
  private readonly purgeTimer: NodeJS.Timeout;

  constructor(
    db: Database.Database,
    private readonly config: AppConfig,
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
    const life = sessionLife({ connectionId: row.connection_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at }, now, this.config);
    if (life.expired) {
      this.statements.delete.run(key);
      return undefined;
    }
    if (life.needsTouch) this.statements.touch.run(now, key);
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
