import { ApiProperty } from '@nestjs/swagger';

export class AccessTokenDto {
  @ApiProperty({ description: "The connection's Airtable access token: send it to Airtable as a bearer token." })
  accessToken!: string;

  @ApiProperty({ example: '2026-12-03T21:00:00.000Z', description: 'When Airtable stops accepting it; at least 5 minutes away.' })
  expiresAt!: string;

  @ApiProperty({ type: [String], example: ['data.records:read', 'schema.bases:read'], description: 'The Airtable scopes the grant has.' })
  scopes!: string[];
}
