import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AirtableApiClient } from '../airtable/airtable-api.client';
import { ErrorResponseDto } from '../common/error-response.dto';
import { NoStore } from '../common/no-store.decorator';
import { CurrentSession, SessionGuard } from '../sessions/session.guard';
import type { Session } from '../sessions/session.store';
import { MeResponseDto } from './dto/me-response.dto';

@ApiTags('me')
@ApiCookieAuth('sid')
@Controller('me')
@UseGuards(SessionGuard)
export class MeController {
  constructor(private readonly api: AirtableApiClient) {}

  @Get()
  @NoStore()
  @ApiOperation({ summary: 'The connected Airtable user, as Airtable reports it now' })
  @ApiOkResponse({ type: MeResponseDto })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'unauthenticated or reauth_required' })
  me(@CurrentSession() session: Session): Promise<MeResponseDto> {
    return this.api.whoami(session.tokens.accessToken);
  }
}
