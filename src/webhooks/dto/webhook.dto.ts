import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CreateWebhookBodyDto {
  @ApiProperty({
    description: "Airtable's webhook specification; the notification URL is the service's own.",
    example: { options: { filters: { dataTypes: ['tableData'], recordChangeScope: 'tblSandboxContact' } } },
  })
  specification!: Record<string, unknown>;
}

export class WebhookDto {
  @ApiProperty({ example: 'whk_3q9J...' })
  id!: string;

  @ApiProperty({ example: 'achSandboxHook001' })
  airtableWebhookId!: string;

  @ApiProperty()
  connectionId!: string;

  @ApiProperty({ example: 'appSandboxCRM0001' })
  baseId!: string;

  @ApiProperty({ enum: ['active', 'expired'], description: 'expired: Airtable disabled it; it sends nothing more. Delete it and create another.' })
  status!: 'active' | 'expired';

  @ApiProperty()
  specification!: Record<string, unknown>;

  @ApiProperty({ example: '2026-12-09T10:00:00.000Z', description: 'Refreshed by the service well before.' })
  expiresAt!: string;

  @ApiProperty()
  createdAt!: string;

  @ApiPropertyOptional({ description: "Airtable's last valid notification." })
  lastPingAt?: string;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookDto] })
  webhooks!: WebhookDto[];
}
