import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ConnectionDto {
  @ApiProperty({ example: 'q3J9...' })
  id!: string;

  @ApiProperty({ enum: ['active', 'reauth_required'] })
  status!: 'active' | 'reauth_required';

  @ApiPropertyOptional({ example: 'user-42', description: 'The end user of a connect link.' })
  endUserId?: string;

  @ApiProperty({ example: 'usrSandboxUser001' })
  airtableUserId!: string;

  @ApiPropertyOptional({ description: 'With user.email:read.' })
  email?: string;

  @ApiProperty({ type: [String], example: ['data.records:read', 'schema.bases:read'] })
  scopes!: string[];

  @ApiProperty({ example: '2026-12-02T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-12-02T11:00:00.000Z', description: 'Last change, such as the last token refresh.' })
  updatedAt!: string;
}

export class ConnectionsPageDto {
  @ApiProperty({ type: [ConnectionDto] })
  connections!: ConnectionDto[];

  @ApiPropertyOptional({ description: 'Pass as cursor for the next page; absent on the last page.' })
  nextCursor?: string;
}
