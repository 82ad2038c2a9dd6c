import type { Provider } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { BasePacer } from '../../airtable/base-pacer';
import type { Config } from '../../config/config';
import { PENDING_LOGINS, SCHEMA_CACHE, THROTTLER_STORAGE } from '../storage.tokens';
import { memoryKeyv } from './expiring-map.store';
import { MemoryBasePacer } from './memory-base-pacer';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

const SCHEMA_CACHE_MAX_ENTRIES = 10_000;

/** Ephemeral state of a single instance, in this process (the lock is picked by the storage module). */
export function memoryProviders(config: Config): Provider[] {
  return [
    { provide: PENDING_LOGINS, inject: [Clock], useFactory: (clock: Clock) => memoryKeyv('pending', config.auth.requestTtlMs, config.auth.maxPendingRequests, clock) },
    { provide: SCHEMA_CACHE, inject: [Clock], useFactory: (clock: Clock) => memoryKeyv('schema', config.airtable.schemaEntryTtlMs, SCHEMA_CACHE_MAX_ENTRIES, clock) },
    { provide: THROTTLER_STORAGE, inject: [Clock], useFactory: (clock: Clock) => new MemoryThrottlerStorage(clock) },
    { provide: BasePacer, useValue: new MemoryBasePacer(config.airtable) },
  ];
}
