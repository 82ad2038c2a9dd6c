import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { AppErrorFilter } from './common/app-error.filter';
import { CommonModule } from './common/common.module';
import { airtableConfig } from './config/airtable.config';
import { appConfig } from './config/app.config';
import { authConfig } from './config/auth.config';
import { redisConfig } from './config/redis.config';
import { tokensConfig } from './config/tokens.config';
import { RedisModule } from './redis/redis.module';
import { BasesModule } from './bases/bases.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MeModule } from './me/me.module';
import { PagesModule } from './pages/pages.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: [appConfig, airtableConfig, authConfig, tokensConfig, redisConfig] }),
    LoggingModule,
    CommonModule,
    RedisModule,
    AuthModule,
    MeModule,
    BasesModule,
    PagesModule,
    HealthModule,
  ],
  // Registered as a provider (not in main.ts) so tests run the same error pipeline as production.
  providers: [{ provide: APP_FILTER, useClass: AppErrorFilter }],
})
export class AppModule {}
