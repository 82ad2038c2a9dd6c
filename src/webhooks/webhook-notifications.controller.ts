import { Controller, Headers, HttpCode, Param, Post, type RawBodyRequest, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { HttpRequest } from '../common/http-exchange';
import { WebhookFetcher } from './webhook-fetcher.service';
import { WebhookPings } from './webhook-pings';

/** Where Airtable pings: answered at once, the payloads read afterwards. For Airtable only, so not in the API docs. */
@ApiExcludeController()
@Controller('airtable-webhooks')
export class WebhookNotificationsController {
  constructor(
    private readonly pings: WebhookPings,
    private readonly fetcher: WebhookFetcher,
  ) {}

  @Post(':webhookId')
  @HttpCode(204)
  async notify(@Param('webhookId') webhookId: string, @Req() req: RawBodyRequest<HttpRequest>, @Headers('x-airtable-content-mac') mac: string | undefined): Promise<void> {
    await this.pings.accept(webhookId, req.rawBody, mac);
    void this.fetcher.fetch(webhookId);
  }
}
