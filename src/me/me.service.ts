import { Injectable } from '@nestjs/common';
import { AirtableApiClient } from '../airtable/airtable-api.client';
import type { AirtableUser } from '../airtable/airtable-models';
import type { StoredConnection } from '../connections/connection.store';
import { TokenService } from '../connections/token.service';

/** Who the connected Airtable user is, asked of Airtable each time (scopes can change there). */
@Injectable()
export class MeService {
  constructor(
    private readonly api: AirtableApiClient,
    private readonly tokens: TokenService,
  ) {}

  me(connection: StoredConnection): Promise<AirtableUser> {
    return this.tokens.withAccessToken(connection, (token) => this.api.whoami(token));
  }
}
