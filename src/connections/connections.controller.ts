import { Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, RequiresScope } from '../api-keys/api-key.guard';
import { AppError, ErrorCode } from '../common/app-error';
import { ErrorResponseDto } from '../common/error-response.dto';
import { HttpExchange, type HttpRequest } from '../common/http-exchange';
import { NoStore } from '../common/no-store.decorator';
import { strictQuery } from '../common/strict-query';
import { EventsService, connectionView } from '../events/events.service';
import { Metrics } from '../metrics/metrics';
import { CONNECTION_ID, ConnectionStore } from './connection.store';
import { AccessTokenDto } from './dto/access-token.dto';
import { ConnectionDto, ConnectionsPageDto } from './dto/connection.dto';
import { TokenService } from './token.service';

const DEFAULT_PAGE = 100;
/** A token handed out is good for at least this long, unless Airtable's tokens live shorter. */
const MIN_TOKEN_VALIDITY_MS = 5 * 60_000;

/** The same view of a connection an event carries. */
const view = (connection: Parameters<typeof connectionView>[0]) => connectionView(connection) as unknown as ConnectionDto;

/** Connections for a backend with an API key: who connected, whether it still works, and removing one. */
@ApiTags('connections')
@ApiBearerAuth()
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'invalid_api_key' })
@ApiResponse({ status: 403, type: ErrorResponseDto, description: 'api_key_scope' })
@Controller('api/connections')
@UseGuards(ApiKeyGuard)
export class ConnectionsController {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly http: HttpExchange,
    private readonly events: EventsService,
    private readonly tokens: TokenService,
    private readonly metrics: Metrics,
  ) {}

  @Get()
  @NoStore()
  @RequiresScope('connections:read')
  @ApiOperation({ summary: 'Connections, a page at a time (in id order; pass nextCursor back as cursor)' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'endUserId', required: false, description: "Only this end user's connections." })
  @ApiOkResponse({ type: ConnectionsPageDto })
  async list(@Req() req: HttpRequest): Promise<ConnectionsPageDto> {
    const { limit = String(DEFAULT_PAGE), cursor, endUserId } = strictQuery(this.http.rawQuery(req), ['limit', 'cursor', 'endUserId']);
    if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > DEFAULT_PAGE) {
      throw new AppError(ErrorCode.InvalidRequest, { message: 'limit must be a whole number from 1 to 100.' });
    }
    if (cursor !== undefined && !CONNECTION_ID.test(cursor)) throw new AppError(ErrorCode.InvalidRequest, { message: 'The cursor is not one this service gave.' });
    if (endUserId !== undefined && (endUserId.length === 0 || endUserId.length > 255)) throw new AppError(ErrorCode.InvalidRequest, { message: 'endUserId is 1 to 255 characters.' });
    const page = await this.connections.list(Number(limit), cursor, endUserId);
    const last = page.at(-1);
    return { connections: page.map(view), ...(page.length === Number(limit) && last ? { nextCursor: last.id } : {}) };
  }

  @Get(':id')
  @NoStore()
  @RequiresScope('connections:read')
  @ApiOperation({ summary: 'One connection' })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'connection_not_found' })
  async get(@Param('id') id: string): Promise<ConnectionDto> {
    return view((await this.connections.found(id)).connection);
  }

  @Post(':id/access-token')
  @HttpCode(200)
  @NoStore()
  @RequiresScope('credentials:read')
  @ApiOperation({ summary: "A fresh Airtable access token of the connection, for a backend that calls Airtable itself (refreshed first when it has less than 5 minutes left)" })
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'connection_not_found' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'reauth_required' })
  async accessToken(@Param('id') id: string): Promise<AccessTokenDto> {
    const tokens = await this.tokens.freshTokens(await this.connections.found(id), MIN_TOKEN_VALIDITY_MS);
    this.metrics.accessTokensGiven.inc();
    return { accessToken: tokens.accessToken, expiresAt: new Date(tokens.expiresAt).toISOString(), scopes: tokens.scopes };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequiresScope('connections:write')
  @ApiOperation({ summary: 'Delete a connection: its tokens are deleted and its sessions end' })
  @ApiNoContentResponse()
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'connection_not_found' })
  async delete(@Param('id') id: string): Promise<void> {
    const stored = await this.connections.found(id);
    await this.connections.delete(id, { event: this.events.connection('connection.deleted', stored.connection) });
  }
}
