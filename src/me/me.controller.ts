import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';
import { NoStore } from '../common/no-store.decorator';
import { CurrentConnection, SessionGuard } from '../sessions/session.guard';
import type { StoredConnection } from '../connections/connection.store';
import { MeResponseDto } from './dto/me-response.dto';
import { MeService } from './me.service';

@ApiTags('me')
@ApiCookieAuth('sid')
@Controller('me')
@UseGuards(SessionGuard)
export class MeController {
  constructor(private readonly service: MeService) {}

  @Get()
  @NoStore()
  @ApiOperation({ summary: 'The connected Airtable user, as Airtable reports it now' })
  @ApiOkResponse({ type: MeResponseDto })
  @ApiResponse({ status: 401, type: ErrorResponseDto, description: 'unauthenticated or reauth_required' })
  me(@CurrentConnection() connection: StoredConnection): Promise<MeResponseDto> {
    return this.service.me(connection);
  }
}
