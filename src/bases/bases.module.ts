import { Module } from '@nestjs/common';
import { AirtableModule } from '../airtable/airtable.module';
import { namespaceStore } from '../cache/namespace-store';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { ConnectionsModule } from '../connections/connections.module';
import { RedisService } from '../redis/redis.service';
import { SessionsModule } from '../sessions/sessions.module';
import { StorageModule } from '../storage/storage.module';
import { BasesController } from './bases.controller';
import { BasesService, SCHEMA_CACHE, schemaEntryTtlMs } from './bases.service';

const SCHEMA_CACHE_MAX_ENTRIES = 10_000;

@Module({
  imports: [AirtableModule, ConnectionsModule, SessionsModule, StorageModule],
  controllers: [BasesController],
  providers: [
    BasesService,
    {
      provide: SCHEMA_CACHE,
      inject: [airtableConfig.KEY, RedisService],
      useFactory: (airtable: AirtableConfig, redis: RedisService) =>
        namespaceStore(redis, 'schema', schemaEntryTtlMs(airtable), SCHEMA_CACHE_MAX_ENTRIES),
    },
  ],
  exports: [BasesService],
})
export class BasesModule {}
