import { Inject, Injectable } from '@nestjs/common';
import { CacheableMemory } from 'cacheable';
import { hmac, randomToken } from '../common/random';
import { appConfig, type AppConfig } from '../config/app.config';
import { type Session, SessionStore } from './session.store';

/** Sessions in process memory, keyed by an HMAC of the id so the cookie value itself is never stored. */
@Injectable()
export class MemorySessionStore extends SessionStore {
  private readonly sessions: CacheableMemory;

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {
    super();
    this.sessions = new CacheableMemory({ ttl: config.sessionTtlMs, checkInterval: 60_000, useClone: false });
  }

  async create(session: Session): Promise<string> {
    const id = randomToken();
    this.sessions.set(this.key(id), session);
    return id;
  }

  async get(id: string): Promise<Session | undefined> {
    return this.sessions.get<Session>(this.key(id));
  }

  async delete(id: string): Promise<void> {
    this.sessions.delete(this.key(id));
  }

  private key(id: string): string {
    return hmac(this.config.sessionSecret, id);
  }
}
