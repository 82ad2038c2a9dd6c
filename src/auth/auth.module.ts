import { Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { AirtableModule } from '../airtable/airtable.module';
import { AppCacheModule } from '../cache/cache.module';
import { ConnectionsModule } from '../connections/connections.module';
import { authConfig, type AuthConfig } from '../config/auth.config';
import { EventsModule } from '../events/events.module';
import { SessionsModule } from '../sessions/sessions.module';
import { THROTTLER_STORAGE } from '../storage/storage.tokens';
import { AuthThrottlerGuard } from './auth-throttler.guard';
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
    EventsModule,
    ThrottlerModule.forRootAsync({
      inject: [authConfig.KEY, THROTTLER_STORAGE],
      useFactory: (auth: AuthConfig, storage: ThrottlerStorage) => ({ throttlers: [{ ttl: 60_000, limit: auth.rateLimitPerMinute }], storage }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, BrowserBinding, PendingAuthStore, AuthThrottlerGuard],
  // Connect links start logins too, behind the same per-client limits.
  exports: [AuthService, AuthThrottlerGuard, ThrottlerModule],
})
export class AuthModule {}
