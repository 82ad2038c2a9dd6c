import { Body, Controller, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, RequiresScope } from '../api-keys/api-key.guard';
import { AppError, ErrorCode } from '../common/app-error';
import { ErrorResponseDto } from '../common/error-response.dto';
import { NoStore } from '../common/no-store.decorator';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { connectConfig, type ConnectConfig } from '../config/connect.config';
import { type ConnectLink, ConnectLinkStore } from './connect-link.store';

const MAX_URL_LENGTH = 2_000;

class ConnectSessionBodyDto {
  @ApiProperty({ example: 'user-42', description: "The app's own id for its user: 1 to 255 characters, no control characters." })
  endUserId!: string;

  @ApiPropertyOptional({ example: 'https://app.example.com/airtable/connected', description: 'On an origin listed in CONNECT_RETURN_ORIGINS.' })
  returnUrl?: string;
}

class ConnectSessionDto {
  @ApiProperty({ description: 'The link to hand the end user: it makes one connection.' })
  url!: string;

  @ApiProperty({ example: '2026-12-02T10:30:00.000Z' })
  expiresAt!: string;
}

function invalid(message: string): AppError {
  return new AppError(ErrorCode.InvalidRequest, { message });
}

/** A backend asks for a link that connects one of its users' Airtable accounts. */
@ApiTags('connections')
@ApiBearerAuth()
@Controller('api/connect-sessions')
@UseGuards(ApiKeyGuard)
export class ConnectSessionsController {
  constructor(
    private readonly links: ConnectLinkStore,
    @Inject(connectConfig.KEY) private readonly config: ConnectConfig,
    @Inject(airtableConfig.KEY) private readonly airtable: AirtableConfig,
  ) {}

  @Post()
  @NoStore()
  @RequiresScope('connections:write')
  @ApiOperation({ summary: 'A connect link for an end user, valid CONNECT_LINK_TTL_MINUTES (30): it makes one connection' })
  @ApiBody({ type: ConnectSessionBodyDto })
  @ApiCreatedResponse({ type: ConnectSessionDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'invalid_request: a malformed endUserId or returnUrl' })
  async create(@Body() body: unknown): Promise<ConnectSessionDto> {
    const { token, expiresAt } = await this.links.create(this.linkOf(body), this.config.linkTtlMs);
    // The callback's origin is this service's public one.
    return { url: new URL(`/connect/${token}`, this.airtable.redirectUri).toString(), expiresAt: new Date(expiresAt).toISOString() };
  }

  private linkOf(body: unknown): ConnectLink {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The body must be a JSON object.');
    if (Object.keys(body).some((key) => key !== 'endUserId' && key !== 'returnUrl')) throw invalid('The body takes only endUserId and returnUrl.');
    const { endUserId, returnUrl } = body as Record<string, unknown>;
    // eslint-disable-next-line no-control-regex
    if (typeof endUserId !== 'string' || endUserId.length === 0 || endUserId.length > 255 || /[\x00-\x1f\x7f]/.test(endUserId)) {
      throw invalid('endUserId must be 1 to 255 characters without control characters.');
    }
    if (returnUrl === undefined) return { endUserId };
    if (typeof returnUrl !== 'string' || returnUrl.length > MAX_URL_LENGTH || !this.allowed(returnUrl)) {
      throw invalid('returnUrl must be an absolute URL on an origin listed in CONNECT_RETURN_ORIGINS.');
    }
    return { endUserId, returnUrl };
  }

  private allowed(returnUrl: string): boolean {
    try {
      return this.config.returnOrigins.includes(new URL(returnUrl).origin);
    } catch {
      return false;
    }
  }
}
