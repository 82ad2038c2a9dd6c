import { Controller, Get, Header, Param, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthThrottlerGuard } from '../auth/auth-throttler.guard';
import { AuthService } from '../auth/auth.service';
import { Cookies } from '../common/cookies';
import { html, page } from '../common/html';
import type { HttpRequest, HttpResponse } from '../common/http-exchange';
import { NoStore } from '../common/no-store.decorator';

/** The end user's side of a connect link: opening it starts the login; the done page ends it. */
@ApiExcludeController()
@Controller('connect')
export class ConnectController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: Cookies,
  ) {}

  @Get('done')
  @NoStore()
  @Header('Content-Type', 'text/html; charset=utf-8')
  done(): string {
    return page('Connected', html`<div class="card"><h1>Airtable is connected</h1><p>You can close this tab.</p></div>`);
  }

  @Get(':token')
  @UseGuards(AuthThrottlerGuard)
  @NoStore()
  @Header('Referrer-Policy', 'no-referrer')
  @Redirect()
  async open(@Param('token') token: string, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse) {
    const start = await this.auth.startConnect(this.cookies.binding(req), token);
    this.cookies.setBinding(res, start.bindingCookie);
    return { url: start.authorizeUrl, statusCode: 302 };
  }
}
