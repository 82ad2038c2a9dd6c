import { Module } from '@nestjs/common';
import { AirtableApiClient } from './airtable-api.client';
import { AirtableHttp } from './airtable-http';
import { AirtableOAuthClient } from './airtable-oauth.client';
import { AirtableRecordsClient } from './airtable-records.client';
import { AirtableWebhooksClient } from './airtable-webhooks.client';

@Module({
  providers: [AirtableOAuthClient, AirtableHttp, AirtableApiClient, AirtableRecordsClient, AirtableWebhooksClient],
  exports: [AirtableOAuthClient, AirtableApiClient, AirtableRecordsClient, AirtableWebhooksClient],
})
export class AirtableModule {}
