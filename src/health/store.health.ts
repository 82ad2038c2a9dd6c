import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { STORE_PROBES, type StoreProbe } from '../storage/storage.tokens';

/** Readiness of every store in use (the database, and Redis when configured), each within its timeout. */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    @Inject(STORE_PROBES) private readonly probes: StoreProbe[],
  ) {}

  async check(key: string) {
    const check = this.indicator.check(key);
    const results = await Promise.allSettled(this.probes.map((probe) => probe.ping()));
    const stores = Object.fromEntries(this.probes.map((probe, i) => [probe.name, results[i].status === 'fulfilled' ? 'up' : 'down']));
    return results.every((result) => result.status === 'fulfilled') ? check.up(stores) : check.down(stores);
  }
}
