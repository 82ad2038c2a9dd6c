import { Module } from '@nestjs/common';
import { AirtableApiClient } from './airtable-api.client';
import { AirtableOAuthClient } from './airtable-oauth.client';

@Module({
  providers: [AirtableOAuthClient, AirtableApiClient],
  exports: [AirtableOAuthClient, AirtableApiClient],
})
export class AirtableModule {}
