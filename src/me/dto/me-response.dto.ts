import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AirtableUser } from '../../airtable/airtable-models';

export class MeResponseDto implements AirtableUser {
  @ApiProperty({ example: 'usrSandboxUser001' })
  id!: string;

  @ApiPropertyOptional({ example: 'ada@example.com', description: 'Only with the user.email:read scope.' })
  email?: string;

  @ApiProperty({ type: [String], example: ['data.records:read', 'schema.bases:read'] })
  scopes!: string[];
}
