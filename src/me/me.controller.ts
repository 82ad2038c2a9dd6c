import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AirtableApiClient } from '../airtable/airtable-api.client';
import { TokenService } from '../connections/token.service';
import { ErrorResponseDto } from '../common/error-response.dto';
import { NoStore } from '../common/no-store.decorator';
import { CurrentConnection, SessionGuard } from '../sessions/session.guard';
import type { Connection } from '../connections/connection.store';
import { MeResponseDto } from './dto/me-response.dto';

@ApiTags('me')
@ApiCookieAuth('sid')
@Controller('me')
@UseGuards(SessionGuard)
export class MeController {
  constructor(
    private readonly api: AirtableApiClient,
    private readonly tokens: TokenService,
  ) {}

  @Get()
  @NoStore()
  @ApiOperation({ summary: 'The connected Airtable user, as Airtable reports it now' })
  @ApiOkResponse({ type: MeResponseDto })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'unauthenticated or reauth_required' })
  me(@CurrentConnection() connection: Connection): Promise<MeResponseDto> {
    return this.tokens.withAccessToken(connection.id, (token) => this.api.whoami(token));
  }
}
