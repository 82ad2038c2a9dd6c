import { hmac, randomToken } from '../common/random';
import type { AppConfig } from '../config/app.config';
import type { RedisService } from '../redis/redis.service';
import { type Session, sessionLife, SessionStore } from './session.store';

/** Sessions as JSON strings under the HMAC of their id, each expiring in Redis with the session itself. */
export class RedisSessionStore extends SessionStore {
  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async create(connectionId: string): Promise<string> {
    const id = randomToken();
    const now = Date.now();
    await this.write(id, { connectionId, createdAt: now, lastSeenAt: now });
    return id;
  }

  async use(id: string): Promise<Session | undefined> {
    const raw = await this.redis.run((client) => client.get(this.key(id)));
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    const now = Date.now();
    const life = sessionLife(session, now, this.config);
    if (life.expired) {
      await this.delete(id);
      return undefined;
    }
    const visited = { ...session, lastSeenAt: now };
    if (life.needsTouch) await this.write(id, visited);
    return visited;
  }

  async delete(id: string): Promise<void> {
    await this.redis.run((client) => client.del(this.key(id)));
  }

  private async write(id: string, session: Session): Promise<void> {
    const ttl = sessionLife(session, session.lastSeenAt, this.config).remainingMs;
    await this.redis.run((client) => client.set(this.key(id), JSON.stringify(session), { PX: Math.max(ttl, 1) }));
  }

  private key(id: string): string {
    return this.redis.key('session', hmac(this.config.sessionSecret, id));
  }
}
