import type { Provider } from '@nestjs/common';
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
    { provide: PENDING_LOGINS, useValue: memoryKeyv('pending', config.auth.requestTtlMs, config.auth.maxPendingRequests) },
    { provide: SCHEMA_CACHE, useValue: memoryKeyv('schema', config.airtable.schemaEntryTtlMs, SCHEMA_CACHE_MAX_ENTRIES) },
    { provide: THROTTLER_STORAGE, useValue: new MemoryThrottlerStorage() },
    { provide: BasePacer, useValue: new MemoryBasePacer(config.airtable) },
  ];
}
