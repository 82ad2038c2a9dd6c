import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { NoStore } from '../common/no-store.decorator';
import { storeUnavailable } from '../storage/store-unavailable';
import { StoreHealthIndicator } from './store.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly store: StoreHealthIndicator,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  @NoStore()
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Readiness: the store (Redis or SQLite) answers; a load balancer sends no traffic otherwise. */
  @Get('ready')
  @NoStore()
  @HealthCheck()
  async ready() {
    try {
      return await this.health.check([() => this.store.check('store')]);
    } catch {
      throw storeUnavailable();
    }
  }
}
