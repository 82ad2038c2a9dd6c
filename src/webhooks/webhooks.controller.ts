import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ConnectionGuard } from '../access/connection.guard';
import { RequiresScope } from '../api-keys/api-key.guard';
import { BaseIdPipe } from '../bases/base-id.pipe';
import { AppError, ErrorCode } from '../common/app-error';
import { ErrorResponseDto } from '../common/error-response.dto';
import { NoStore } from '../common/no-store.decorator';
import type { StoredConnection } from '../connections/connection.store';
import { CurrentConnection } from '../sessions/session.guard';
import { CreateWebhookBodyDto, WebhookDto, WebhookListDto } from './dto/webhook.dto';
import { webhookSpecification } from './webhook-specification';
import { webhookView } from './webhook-views';
import { WebhooksService } from './webhooks.service';

const view = (webhook: Parameters<typeof webhookView>[0]) => webhookView(webhook) as unknown as WebhookDto;

/** A connection's Airtable webhooks, for a backend with an API key; their changes arrive as events. */
@ApiTags('webhooks')
@ApiBearerAuth()
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'invalid_api_key or reauth_required' })
@ApiResponse({ status: 403, type: ErrorResponseDto, description: 'api_key_scope, insufficient_scope or base_not_accessible' })
@ApiResponse({ status: 404, type: ErrorResponseDto, description: 'connection_not_found or webhook_not_found' })
@Controller('api/connections/:connectionId')
@UseGuards(ConnectionGuard)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('bases/:baseId/webhooks')
  @HttpCode(201)
  @RequiresScope('data:write')
  @ApiOperation({ summary: "Create an Airtable webhook on a base: its changes arrive as airtable.changes events (needs the connection's webhook:manage)" })
  @ApiBody({ type: CreateWebhookBodyDto })
  @ApiCreatedResponse({ type: WebhookDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'invalid_request, invalid_base_id or invalid_specification' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'webhook_limit_reached (2 per base) or events_not_configured' })
  async create(@CurrentConnection() stored: StoredConnection, @Param('baseId', BaseIdPipe) baseId: string, @Body() body: unknown): Promise<WebhookDto> {
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).some((key) => key !== 'specification')) {
      throw new AppError(ErrorCode.InvalidRequest, { message: 'The body is {"specification": {...}}, as JSON.' });
    }
    const specification = webhookSpecification((body as { specification?: unknown }).specification);
    return view(await this.webhooks.create(stored, baseId, specification));
  }

  @Get('webhooks')
  @NoStore()
  @RequiresScope('data:read')
  @ApiOperation({ summary: "The connection's webhooks, active and expired" })
  @ApiOkResponse({ type: WebhookListDto })
  async list(@CurrentConnection() stored: StoredConnection): Promise<WebhookListDto> {
    return { webhooks: (await this.webhooks.list(stored.connection.id)).map(view) };
  }

  @Delete('webhooks/:webhookId')
  @HttpCode(204)
  @RequiresScope('data:write')
  @ApiOperation({ summary: 'Delete a webhook, at Airtable too' })
  @ApiNoContentResponse()
  async delete(@CurrentConnection() stored: StoredConnection, @Param('webhookId') webhookId: string): Promise<void> {
    await this.webhooks.delete(stored, webhookId);
  }
}
