import { Controller, Get, Headers, Param, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AppError, ErrorCode } from '../common/app-error';
import { ErrorResponseDto } from '../common/error-response.dto';
import { HttpExchange, type HttpRequest } from '../common/http-exchange';
import { NoStore } from '../common/no-store.decorator';
import { strictQuery } from '../common/strict-query';
import { ConnectionGuard } from '../access/connection.guard';
import { CurrentConnection } from '../sessions/session.guard';
import type { StoredConnection } from '../connections/connection.store';
import { BaseIdPipe } from './base-id.pipe';
import { BasesService } from './bases.service';
import { BasesResponseDto } from './dto/bases-response.dto';
import { TablesResponseDto } from './dto/tables-response.dto';

/** `Cache-Control: no-cache` on a request asks for Airtable's current answer instead of a cached one. */
function wantsFresh(cacheControl: string | undefined): boolean {
  return /\bno-cache\b/i.test(cacheControl ?? '');
}

@ApiTags('bases')
@ApiCookieAuth('sid')
@ApiBearerAuth()
@ApiHeader({ name: 'Cache-Control', required: false, description: '`no-cache` bypasses the short-lived cache.' })
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'unauthenticated (session), invalid_api_key (API key) or reauth_required' })
@ApiResponse({ status: 429, type: ErrorResponseDto, description: 'rate_limited, with Retry-After' })
@ApiResponse({ status: 502, type: ErrorResponseDto, description: 'upstream_error' })
@ApiResponse({ status: 504, type: ErrorResponseDto, description: 'upstream_timeout' })
@Controller(['bases', 'api/connections/:connectionId/bases'])
@UseGuards(ConnectionGuard)
export class BasesController {
  constructor(
    private readonly bases: BasesService,
    private readonly http: HttpExchange,
  ) {}

  @Get()
  @NoStore()
  @ApiOperation({ summary: 'Every base the connection can see' })
  @ApiOkResponse({ type: BasesResponseDto })
  async list(@CurrentConnection() connection: StoredConnection, @Headers('cache-control') cacheControl?: string): Promise<BasesResponseDto> {
    return { bases: await this.bases.listBases(connection, wantsFresh(cacheControl)) };
  }

  @Get(':id/tables')
  @NoStore()
  @ApiOperation({ summary: "A base's schema: tables with their fields and views, in Airtable's model" })
  @ApiQuery({ name: 'include', required: false, enum: ['visibleFieldIds'] })
  @ApiOkResponse({ type: TablesResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'invalid_base_id' })
  @ApiResponse({ status: 403, type: ErrorResponseDto, description: 'base_not_accessible or insufficient_scope' })
  async tables(
    @CurrentConnection() connection: StoredConnection,
    @Param('id', BaseIdPipe) baseId: string,
    @Req() req: HttpRequest,
    @Headers('cache-control') cacheControl?: string,
  ): Promise<TablesResponseDto> {
    const { include } = strictQuery(this.http.rawQuery(req), ['include']);
    if (include !== undefined && include !== 'visibleFieldIds') {
      throw new AppError(ErrorCode.InvalidRequest, { message: 'The only supported include is visibleFieldIds.' });
    }
    return { tables: await this.bases.tables(connection, baseId, include !== undefined, wantsFresh(cacheControl)) };
  }
}
