import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createClient, type RedisClientType } from '@keyv/redis';
import { redisConfig, type RedisConfig } from '../../config/redis.config';
import { outage, withinTime } from '../store-unavailable';

export type RedisClient = RedisClientType;

/** How long a starting instance waits for Redis before it starts anyway (and answers 503 until Redis is up). */
const STARTUP_WAIT_MS = 5_000;

/**
 * The one Redis connection of an instance (when REDIS_URL is set). It fails closed and fast: with the
 * offline queue off, a command while Redis is unreachable fails at once instead of waiting for a
 * reconnect, and `run` bounds every call in time. It reconnects by itself when Redis is back.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client: RedisClient;
  private readonly connecting: Promise<unknown>;
  private lastError = 0;

  constructor(@Inject(redisConfig.KEY) private readonly config: RedisConfig) {
    this.client = createClient({
      url: config.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: config.timeoutMs, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
    }) as RedisClient;
    this.client.on('error', () => {
      // Errors come once per reconnect attempt; say so once in a while, not in a flood.
      if (Date.now() - this.lastError > 10_000) this.logger.warn('Redis is unreachable; requests that need it answer 503');
      this.lastError = Date.now();
    });
    // It keeps trying in the background: an instance started while Redis is down connects when it is up.
    this.connecting = this.client.connect().catch(() => undefined);
  }

  /** A healthy Redis is connected before the first request; a dead one does not hold the start. */
  async onModuleInit(): Promise<void> {
    await Promise.race([this.connecting, new Promise((resolve) => setTimeout(resolve, STARTUP_WAIT_MS).unref())]);
  }

  /** `name` under this deployment's prefix. */
  key(...parts: string[]): string {
    return this.config.keyPrefix + parts.join(':');
  }

  /** Every call is bounded by REDIS_TIMEOUT_MS, and fails with store_unavailable past it. */
  run<T>(call: (client: RedisClient) => Promise<T>): Promise<T> {
    return withinTime(call(this.client), this.config.timeoutMs, outage);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client.isOpen) await this.client.close().catch(() => undefined);
  }
}
