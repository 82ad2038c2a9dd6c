import { DistributedLock } from '../../common/distributed-lock';
import { randomToken } from '../../common/random';
import { storeUnavailable } from '../store-unavailable';
import type { RedisService } from './redis.service';

/** Deletes the lock only if it still belongs to the caller: an expired lock taken over is left alone. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

const POLL_MS = 25;

/**
 * A Redis lock with an owner token and an expiry (SET NX PX), released by compare-and-delete. The expiry
 * outlasts the longest critical section, so a crashed holder cannot block the others for long.
 */
export class RedisLock extends DistributedLock {
  constructor(
    private readonly redis: RedisService,
    private readonly holdMs: number,
  ) {
    super();
  }

  async withLock<T>(name: string, critical: () => Promise<T>): Promise<T> {
    const key = this.redis.key('lock', name);
    const owner = randomToken();
    const deadline = Date.now() + this.holdMs;
    while ((await this.redis.run((client) => client.set(key, owner, { NX: true, PX: this.holdMs }))) !== 'OK') {
      if (Date.now() > deadline) throw storeUnavailable('lock wait');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    try {
      return await critical();
    } finally {
      // If Redis is gone now, the lock expires by itself.
      await this.redis.run((client) => client.eval(RELEASE, { keys: [key], arguments: [owner] })).catch(() => undefined);
    }
  }
}
