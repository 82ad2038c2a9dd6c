import { Module } from '@nestjs/common';
import { AirtableApiClient } from './airtable-api.client';
import { AirtableHttp } from './airtable-http';
import { AirtableOAuthClient } from './airtable-oauth.client';
import { AirtableRecordsClient } from './airtable-records.client';

@Module({
  providers: [AirtableOAuthClient, AirtableHttp, AirtableApiClient, AirtableRecordsClient],
  exports: [AirtableOAuthClient, AirtableApiClient, AirtableRecordsClient],
})
export class AirtableModule {}
