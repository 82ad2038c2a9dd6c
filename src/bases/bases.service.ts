import { Inject, Injectable } from '@nestjs/common';
import { CacheableMemory } from 'cacheable';
import { AirtableApiClient } from '../airtable/airtable-api.client';
import type { AirtableBase, AirtableTable } from '../airtable/airtable-models';
import { SingleFlight } from '../common/single-flight';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import type { Connection } from '../connections/connection.store';
import { reauthRequired, TokenService } from '../connections/token.service';

/**
 * Bases and schemas per connection, kept inside Airtable's rate limit: identical concurrent requests
 * share one upstream call, results are reused for a short time, and the client paces what remains.
 */
@Injectable()
export class BasesService {
  private readonly cache: CacheableMemory;
  private readonly flights = new SingleFlight();

  constructor(
    private readonly api: AirtableApiClient,
    private readonly tokens: TokenService,
    @Inject(airtableConfig.KEY) private readonly config: AirtableConfig,
  ) {
    this.cache = new CacheableMemory({ ttl: config.schemaCacheTtlMs, lruSize: 10_000, checkInterval: 60_000, useClone: false });
  }

  listBases(connection: Connection, fresh = false): Promise<AirtableBase[]> {
    return this.cached(connection, `bases:${connection.id}`, fresh, () =>
      this.tokens.withAccessToken(connection.id, (token) => this.api.listBases(token)),
    );
  }

  tables(connection: Connection, baseId: string, includeVisibleFieldIds: boolean, fresh = false): Promise<AirtableTable[]> {
    const key = `tables:${connection.id}:${baseId}:${includeVisibleFieldIds ? 'visible' : 'plain'}`;
    return this.cached(connection, key, fresh, () =>
      this.tokens.withAccessToken(connection.id, (token) => this.api.baseTables(token, baseId, includeVisibleFieldIds)),
    );
  }

  /** `fresh` skips the cached copy (not an in-flight call, which is as fresh as it gets). */
  private async cached<T>(connection: Connection, key: string, fresh: boolean, load: () => Promise<T>): Promise<T> {
    // Nothing cached is served for a connection Airtable no longer accepts.
    if (connection.status !== 'active') throw reauthRequired();
    if (!fresh) {
      const hit = this.cache.get<T>(key);
      if (hit !== undefined) return hit;
    }
    return this.flights.run(key, async () => {
      const value = await load();
      if (this.config.schemaCacheTtlMs > 0) this.cache.set(key, value);
      return value;
    });
  }
}
