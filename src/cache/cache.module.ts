import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { authConfig, type AuthConfig } from '../config/auth.config';
import { RedisService } from '../redis/redis.service';
import { namespaceStore } from './namespace-store';

/** The cache of pending logins: cache-manager over Keyv, in Redis when configured, else in memory. */
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [authConfig.KEY, RedisService],
      useFactory: (auth: AuthConfig, redis: RedisService) => ({
        stores: [namespaceStore(redis, 'pending', auth.requestTtlMs, auth.maxPendingRequests)],
        ttl: auth.requestTtlMs,
      }),
    }),
  ],
  exports: [CacheModule],
})
export class AppCacheModule {}
