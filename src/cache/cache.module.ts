import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { Keyv } from 'keyv';
import { authConfig, type AuthConfig } from '../config/auth.config';
import { sweepingMemoryStore } from './sweeping-memory.store';

/** The cache of pending logins (cache-manager over Keyv), in memory with sweeping and a size cap. */
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (auth: AuthConfig) => {
        const keyv = new Keyv({ store: sweepingMemoryStore(auth.requestTtlMs, auth.maxPendingRequests), namespace: 'pending' });
        // Values are plain objects held in memory: no JSON round trip needed.
        keyv.serialize = undefined;
        keyv.deserialize = undefined;
        return { stores: [keyv], ttl: auth.requestTtlMs };
      },
    }),
  ],
  exports: [CacheModule],
})
export class AppCacheModule {}
