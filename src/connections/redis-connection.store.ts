import type { RedisService } from '../redis/redis.service';
import { type Connection, ConnectionStore, type StoredConnection } from './connection.store';
import { sealTokens } from './sealed-tokens';
import type { TokenCipher } from './token-cipher';

const DAY_MS = 24 * 3600_000;
/** A connection outlives its refresh token by a day, then Redis drops it: nothing is kept forever. */
const GRACE_MS = DAY_MS;
/** Airtable's refresh token lifetime, for connections that do not say. */
const DEFAULT_REFRESH_LIFETIME_MS = 60 * DAY_MS;

/**
 * Writes a connection (only if it exists, with ARGV[3] = 1) and its keep-alive entry; members whose
 * refresh token died long ago are dropped from the index on the way.
 */
const WRITE = `
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5]) else redis.call('ZREM', KEYS[2], ARGV[5]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return 1`;

type Stored = Omit<Connection, 'tokens'> & { tokens: string | null };

/** Connections as JSON strings (tokens sealed), plus a sorted set by refresh-token expiry for keep-alive. */
export class RedisConnectionStore extends ConnectionStore {
  constructor(
    private readonly redis: RedisService,
    cipher: TokenCipher,
  ) {
    super(cipher);
  }

  async create(connection: Connection): Promise<void> {
    await this.write(connection, false);
  }

  async update(connection: Connection): Promise<boolean> {
    return this.write(connection, true);
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

  /** One script, so that "only if it exists" and the keep-alive index change together or not at all. */
  private async write(connection: Connection, onlyIfExists: boolean): Promise<boolean> {
    const now = Date.now();
    const refreshExpiresAt = connection.tokens?.refreshExpiresAt ?? now + DEFAULT_REFRESH_LIFETIME_MS;
    const stored: Stored = { ...connection, tokens: sealTokens(this.cipher, connection) };
    const indexed = connection.status === 'active' && connection.tokens !== undefined;
    const written = await this.redis.run((client) =>
      client.eval(WRITE, {
        keys: [this.key(connection.id), this.redis.key('keepalive')],
        arguments: [
          JSON.stringify(stored),
          String(Math.max(refreshExpiresAt - now, 0) + GRACE_MS),
          onlyIfExists ? '1' : '0',
          indexed ? String(refreshExpiresAt) : '',
          connection.id,
          String(now - GRACE_MS),
          String(DEFAULT_REFRESH_LIFETIME_MS + GRACE_MS),
        ],
      }),
    );
    return written === 1;
  }

  private key(id: string): string {
    return this.redis.key('connection', id);
  }
}
