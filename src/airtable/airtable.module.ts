import { Module } from '@nestjs/common';
import { AirtableApiClient } from './airtable-api.client';
import { AirtableOAuthClient } from './airtable-oauth.client';
import { BasePacer } from './base-pacer';

@Module({
  providers: [AirtableOAuthClient, AirtableApiClient, BasePacer],
  exports: [AirtableOAuthClient, AirtableApiClient],
})
export class AirtableModule {}
