import { ApiProperty } from '@nestjs/swagger';
import type { AirtableBase } from '../../airtable/airtable-models';

export class BaseDto implements AirtableBase {
  @ApiProperty({ example: 'appSandboxCRM0001', pattern: '^app[A-Za-z0-9]{14}$' })
  id!: string;

  @ApiProperty({ example: 'Sales CRM' })
  name!: string;

  @ApiProperty({ enum: ['none', 'read', 'comment', 'edit', 'create'] })
  permissionLevel!: AirtableBase['permissionLevel'];
}

export class BasesResponseDto {
  @ApiProperty({ type: [BaseDto], description: 'Every base the connection can see, all of Airtable\'s pages merged.' })
  bases!: BaseDto[];
}
