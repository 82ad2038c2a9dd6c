import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AirtableModule } from '../airtable/airtable.module';
import { AppCacheModule } from '../cache/cache.module';
import { ConnectionsModule } from '../connections/connections.module';
import { authConfig, type AuthConfig } from '../config/auth.config';
import { RedisThrottlerStorage } from '../redis/redis-throttler.storage';
import { RedisService } from '../redis/redis.service';
import { SessionsModule } from '../sessions/sessions.module';
import { AuthThrottlerGuard } from './auth-throttler.guard';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BrowserBinding } from './browser-binding';
import { PendingAuthStore } from './pending-auth.store';

@Module({
  imports: [
    AppCacheModule,
    AirtableModule,
    ConnectionsModule,
    SessionsModule,
    ThrottlerModule.forRootAsync({
      inject: [authConfig.KEY, RedisService],
      useFactory: (auth: AuthConfig, redis: RedisService) => ({
        throttlers: [{ ttl: 60_000, limit: auth.rateLimitPerMinute }],
        // The same fixed window in both: shared by the fleet in Redis, or in this process.
        storage: redis.enabled ? new RedisThrottlerStorage(redis) : new MemoryThrottlerStorage(),
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, BrowserBinding, PendingAuthStore, AuthThrottlerGuard],
})
export class AuthModule {}
