import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createClient, type RedisClientType } from '@keyv/redis';
import { AppError, ErrorCode } from '../common/app-error';
import { redisConfig, type RedisConfig } from '../config/redis.config';

export type RedisClient = RedisClientType;

export function storeUnavailable(cause?: unknown): AppError {
  return new AppError(ErrorCode.StoreUnavailable, 'The service cannot reach its store right now. Please try again shortly.', {
    cause,
    retryAfterSeconds: 5,
  });
}

/** How long a starting instance waits for Redis before it starts anyway (and answers 503 until Redis is up). */
const STARTUP_WAIT_MS = 5_000;

/**
 * Resolves with `promise`, or fails with store_unavailable after `ms`. Memory stores cannot hang, so
 * their callers pass `ms` = 0 and pay for no timer.
 */
export async function withinTime<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (ms === 0) return promise.catch((error) => Promise.reject(error instanceof AppError ? error : storeUnavailable(error)));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(storeUnavailable('timeout')), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    throw error instanceof AppError ? error : storeUnavailable(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The one Redis connection of an instance (when REDIS_URL is set). It fails closed and fast: with the
 * offline queue off, a command while Redis is unreachable fails at once instead of waiting for a
 * reconnect, and `run` bounds every call in time. It reconnects by itself when Redis is back.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client?: RedisClient;
  private connecting?: Promise<unknown>;
  private lastError = 0;

  constructor(@Inject(redisConfig.KEY) private readonly config: RedisConfig) {
    if (!config.url) return;
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
    if (this.connecting) await Promise.race([this.connecting, new Promise((resolve) => setTimeout(resolve, STARTUP_WAIT_MS).unref())]);
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  /** `name` under this deployment's prefix. */
  key(...parts: string[]): string {
    return this.config.keyPrefix + parts.join(':');
  }

  run<T>(call: (client: RedisClient) => Promise<T>): Promise<T> {
    if (!this.client) throw new Error('Redis is not configured');
    return withinTime(call(this.client), this.config.timeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client?.isOpen) await this.client.close().catch(() => undefined);
  }
}
