import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RedisService } from './redis.service';

/** Counts hits in a window and blocks past the limit, atomically, for every instance at once. */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return {hits, ttl, blocked}`;

export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly redis: RedisService) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const [hits, ttlMs, blockedMs] = (await this.redis.run((client) =>
      client.eval(INCREMENT, {
        keys: [this.redis.key('throttle', throttlerName, key), this.redis.key('throttle-block', throttlerName, key)],
        arguments: [String(ttl), String(limit), String(blockDuration || ttl)],
      }),
    )) as [number, number, number];
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(Math.max(ttlMs, 0) / 1000),
      isBlocked: blockedMs > 0,
      timeToBlockExpire: Math.ceil(Math.max(blockedMs, 0) / 1000),
    };
  }
}
