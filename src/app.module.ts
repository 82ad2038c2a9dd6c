import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { AuthModule } from './auth/auth.module';
import { AppErrorFilter } from './common/app-error.filter';
import { CommonModule } from './common/common.module';
import type { Config } from './config/config';
import { ConfigModule } from './config/config.module';
import { ConnectModule } from './connect/connect.module';
import { BasesModule } from './bases/bases.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MeModule } from './me/me.module';
import { MetricsModule } from './metrics/metrics.module';
import { PagesModule } from './pages/pages.module';
import { RecordsModule } from './records/records.module';
import { StorageModule } from './storage/storage.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    CommonModule,
    AuthModule,
    ConnectModule,
    MeModule,
    BasesModule,
    RecordsModule,
    WebhooksModule,
    PagesModule,
    HealthModule,
    MetricsModule,
  ],
  // Registered as a provider (not in main.ts) so tests run the same error pipeline as production.
  providers: [{ provide: APP_FILTER, useClass: AppErrorFilter }],
})
export class AppModule {
  /** The application for one configuration, built and validated before anything starts. */
  static forRoot(config: Config, options: { logDestination?: DestinationStream } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), StorageModule.forRoot(config), LoggingModule.forRoot(options.logDestination)],
    };
  }
}
