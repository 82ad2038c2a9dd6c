import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import type { Keyv } from 'keyv';
import { authConfig, type AuthConfig } from '../config/auth.config';
import { PENDING_LOGINS } from '../storage/storage.tokens';

/** The cache of pending logins: cache-manager over the Keyv namespace the storage layer provides. */
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [PENDING_LOGINS, authConfig.KEY],
      useFactory: (store: Keyv, auth: AuthConfig) => ({ stores: [store], ttl: auth.requestTtlMs }),
    }),
  ],
  exports: [CacheModule],
})
export class AppCacheModule {}
