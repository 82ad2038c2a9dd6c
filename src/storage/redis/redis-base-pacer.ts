import { BasePacer, rateLimited, WINDOW_MS } from '../../airtable/base-pacer';
import type { AirtableConfig } from '../../config/airtable.config';
import type { RedisService } from './redis.service';

/** The same booking as MemoryBasePacer, done atomically in Redis on Redis's clock, for the whole fleet. */
const RESERVE = `
local locked = redis.call('PTTL', KEYS[2])
if locked > 0 then return {1, locked} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window, maxWait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local starts = {}
for _, s in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if tonumber(s) > now - window then table.insert(starts, tonumber(s)) end
end
local start = now
if #starts >= limit then start = math.max(now, starts[#starts - limit + 1] + window) end
if start - now > maxWait then return {1, start - now} end
table.insert(starts, start)
while #starts > limit do table.remove(starts, 1) end
redis.call('DEL', KEYS[1])
redis.call('RPUSH', KEYS[1], unpack(starts))
redis.call('PEXPIRE', KEYS[1], start - now + window)
return {0, start - now}`;

export class RedisBasePacer extends BasePacer {
  constructor(
    config: AirtableConfig,
    private readonly redis: RedisService,
  ) {
    super(config);
  }

  protected async reserve(baseId: string): Promise<number> {
    const [refused, ms] = (await this.redis.run((client) =>
      client.eval(RESERVE, {
        keys: [this.redis.key('pace', baseId), this.redis.key('lockout', baseId)],
        arguments: [String(this.config.rateLimitPerSecond), String(WINDOW_MS), String(this.config.rateLimitMaxWaitMs)],
      }),
    )) as [number, number];
    if (refused) throw rateLimited(ms);
    return ms;
  }

  async lockOut(baseId: string): Promise<void> {
    await this.redis.run((client) => client.set(this.redis.key('lockout', baseId), '1', { PX: this.config.rateLimitLockoutMs }));
  }
}
