import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { MetricsController } from './metrics.controller';

/** `/metrics`; the registry itself (Metrics) is shared through CommonModule, since every layer counts into it. */
@Module({
  imports: [ApiKeysModule],
  controllers: [MetricsController],
})
export class MetricsModule {}
