import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, RequiresScope } from '../api-keys/api-key.guard';
import { NoStore } from '../common/no-store.decorator';
import { Metrics } from './metrics';

@ApiTags('metrics')
@ApiBearerAuth()
@Controller('metrics')
@UseGuards(ApiKeyGuard)
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @NoStore()
  @RequiresScope('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: "Prometheus metrics, for API keys with the metrics scope" })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: "Prometheus' text format" })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
