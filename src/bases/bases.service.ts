import { Inject, Injectable } from '@nestjs/common';
import type { Keyv } from 'keyv';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import { AirtableApiClient } from '../airtable/airtable-api.client';
import type { AirtableBase, AirtableTable } from '../airtable/airtable-models';
import { DistributedLock } from '../common/distributed-lock';
import { SingleFlight } from '../common/single-flight';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import type { StoredConnection } from '../connections/connection.store';
import { TokenService } from '../connections/token.service';
import { SCHEMA_CACHE } from '../storage/storage.tokens';

interface Cached<T> {
  value: T;
  storedAt: number;
}

/**
 * Bases and schemas per connection, kept inside Airtable's rate limit: identical concurrent requests
 * share one upstream call (in this process through SingleFlight, across instances through a lock
 * and the shared cache), results are reused for a short time, and the client paces what remains.
 */
@Injectable()
export class BasesService {
  private readonly flights = new SingleFlight();

  constructor(
    private readonly api: AirtableApiClient,
    private readonly tokens: TokenService,
    private readonly lock: DistributedLock,
    @Inject(SCHEMA_CACHE) private readonly cache: Keyv,
    @Inject(airtableConfig.KEY) private readonly config: AirtableConfig,
    private readonly clock: Clock,
  ) {}

  listBases(stored: StoredConnection, fresh = false): Promise<AirtableBase[]> {
    return this.cached(stored, `bases:${stored.connection.id}`, fresh, () =>
      this.tokens.withAccessToken(stored, (token) => this.api.listBases(token)),
    );
  }

  tables(stored: StoredConnection, baseId: string, includeVisibleFieldIds: boolean, fresh = false): Promise<AirtableTable[]> {
    const key = `tables:${stored.connection.id}:${baseId}:${includeVisibleFieldIds ? 'visible' : 'plain'}`;
    return this.cached(stored, key, fresh, () =>
      this.tokens.withAccessToken(stored, (token) => this.api.baseTables(token, baseId, includeVisibleFieldIds)),
    );
  }

  /**
   * `fresh` (and a cache turned off) accepts only a result fetched after the request arrived: one
   * that another caller's call in flight brings back is as fresh as it gets.
   */
  private async cached<T>(stored: StoredConnection, key: string, fresh: boolean, load: () => Promise<T>): Promise<T> {
    // Nothing cached is served for a connection Airtable no longer accepts.
    if (stored.connection.status !== 'active') throw new AppError(ErrorCode.ReauthRequired);
    const since = fresh || this.config.schemaCacheTtlMs === 0 ? this.clock.now() : 0;
    const hit = await this.read<T>(key, since);
    if (hit) return hit.value;
    return this.flights.run(key, () =>
      this.lock.withLock(`fetch:${key}`, async () => {
        // Another instance may have fetched it while this one waited for the lock.
        const fetched = await this.read<T>(key, since);
        if (fetched) return fetched.value;
        const value = await load();
        await this.cache.set(key, { value, storedAt: this.clock.now() }, this.config.schemaEntryTtlMs);
        return value;
      }),
    );
  }

  private async read<T>(key: string, since: number): Promise<Cached<T> | undefined> {
    const entry = await this.cache.get<Cached<T>>(key);
    return entry && entry.storedAt >= since ? entry : undefined;
  }
}
