import { Module } from '@nestjs/common';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { RedisService } from '../redis/redis.service';
import { AirtableApiClient } from './airtable-api.client';
import { AirtableOAuthClient } from './airtable-oauth.client';
import { BasePacer, MemoryBasePacer, RedisBasePacer } from './base-pacer';

@Module({
  providers: [
    AirtableOAuthClient,
    AirtableApiClient,
    {
      provide: BasePacer,
      inject: [airtableConfig.KEY, RedisService],
      // With Redis the limit holds for the whole fleet, not per instance.
      useFactory: (config: AirtableConfig, redis: RedisService) =>
        redis.enabled ? new RedisBasePacer(config, redis) : new MemoryBasePacer(config),
    },
  ],
  exports: [AirtableOAuthClient, AirtableApiClient],
})
export class AirtableModule {}
