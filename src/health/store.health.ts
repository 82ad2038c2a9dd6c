import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type Database from 'better-sqlite3';
import { RedisService } from '../redis/redis.service';
import { DATABASE } from '../storage/database';

/** Readiness of the store that holds sessions and connections: Redis when configured, else SQLite. */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly redis: RedisService,
    @Inject(DATABASE) private readonly db: Database.Database | null,
  ) {}

  async check(key: string) {
    const check = this.indicator.check(key);
    try {
      if (this.redis.enabled) await this.redis.run((client) => client.ping());
      else this.db!.prepare('SELECT 1').get();
      return check.up({ store: this.redis.enabled ? 'redis' : 'sqlite' });
    } catch {
      return check.down({ store: this.redis.enabled ? 'redis' : 'sqlite' });
    }
  }
}
