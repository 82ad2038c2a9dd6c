import type { RedisService } from '../redis/redis.service';
import { type Connection, ConnectionStore, type StoredConnection } from './connection.store';
import { sealTokens } from './sealed-tokens';
import type { TokenCipher } from './token-cipher';

const DAY_MS = 24 * 3600_000;
/** A connection outlives its refresh token by a day, then Redis drops it: nothing is kept forever. */
const GRACE_MS = DAY_MS;
/** Airtable's refresh token lifetime, for connections that do not say. */
const DEFAULT_REFRESH_LIFETIME_MS = 60 * DAY_MS;

type Stored = Omit<Connection, 'tokens'> & { tokens: string | null };

/** Connections as JSON strings (tokens sealed), plus a sorted set by refresh-token expiry for keep-alive. */
export class RedisConnectionStore extends ConnectionStore {
  constructor(
    private readonly redis: RedisService,
    cipher: TokenCipher,
  ) {
    super(cipher);
  }

  async save(connection: Connection): Promise<void> {
    const now = Date.now();
    const refreshExpiresAt = connection.tokens?.refreshExpiresAt ?? now + DEFAULT_REFRESH_LIFETIME_MS;
    const stored: Stored = { ...connection, tokens: sealTokens(this.cipher, connection) };
    const index = this.redis.key('keepalive');
    await this.redis.run((client) => {
      const multi = client.multi().set(this.key(connection.id), JSON.stringify(stored), { PX: Math.max(refreshExpiresAt - now, 0) + GRACE_MS });
      if (connection.status === 'active' && connection.tokens) multi.zAdd(index, { score: refreshExpiresAt, value: connection.id });
      else multi.zRem(index, connection.id);
      // Members whose refresh token died long ago are of no use to anyone.
      return multi.zRemRangeByScore(index, '-inf', now - GRACE_MS).pExpire(index, DEFAULT_REFRESH_LIFETIME_MS + GRACE_MS).exec();
    });
  }

  protected async read(id: string): Promise<StoredConnection | undefined> {
    const raw = await this.redis.run((client) => client.get(this.key(id)));
    if (!raw) return undefined;
    const { tokens, ...connection } = JSON.parse(raw) as Stored;
    return { connection, sealedTokens: tokens };
  }

  async delete(id: string): Promise<void> {
    await this.redis.run((client) => client.multi().del(this.key(id)).zRem(this.redis.key('keepalive'), id).exec());
  }

  async dueForKeepAlive(before: number, limit: number): Promise<string[]> {
    return this.redis.run((client) =>
      client.zRange(this.redis.key('keepalive'), '-inf', before, { BY: 'SCORE', LIMIT: { offset: 0, count: limit } }),
    );
  }

  private key(id: string): string {
    return this.redis.key('connection', id);
  }
}
