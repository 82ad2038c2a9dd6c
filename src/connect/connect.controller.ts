import { Controller, Get, Header, Inject, Param, Post, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthThrottlerGuard } from '../auth/auth-throttler.guard';
import { AuthService } from '../auth/auth.service';
import { Cookies } from '../common/cookies';
import { html, page, pagePolicy } from '../common/html';
import type { HttpRequest, HttpResponse } from '../common/http-exchange';
import { NoStore } from '../common/no-store.decorator';
import { SameOriginGuard } from '../common/same-origin.guard';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { appConfig, type AppConfig } from '../config/app.config';
import { connectPage } from './connect.page';

/**
 * The end user's side of a connect link. Opening it (GET, HEAD) only shows what will be connected:
 * mail scanners and chat unfurlers open links too, and must neither start a login nor use the link up.
 * The person's click on Connect Airtable (POST, from this page only) starts the login; the done page
 * ends it.
 */
@ApiExcludeController()
@Controller('connect')
export class ConnectController {
  /** The link's page posts its form here, and the answer redirects to Airtable's consent screen. */
  private readonly policy: string;

  constructor(
    private readonly auth: AuthService,
    private readonly cookies: Cookies,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(airtableConfig.KEY) private readonly airtable: AirtableConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {
    this.policy = pagePolicy([airtable.authorizeUrl.origin]);
  }

  @Get('done')
  @NoStore()
  @Header('Content-Type', 'text/html; charset=utf-8')
  done(): string {
    return page('Connected', html`<div class="card"><h1>Airtable is connected</h1><p>You can close this tab.</p></div>`);
  }

  @Get(':token')
  @NoStore()
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async show(@Param('token') token: string, @Res({ passthrough: true }) res: HttpResponse): Promise<string> {
    await this.auth.usableLink(token);
    this.adapterHost.httpAdapter.setHeader(res, 'Content-Security-Policy', this.policy);
    return connectPage(token, this.airtable.scopes.split(' '), this.app.sandbox);
  }

  // Same origin only: another site must not start a login with a link of its choosing in the person's
  // browser, skipping this page that says what is being connected.
  @Post(':token')
  @UseGuards(SameOriginGuard, AuthThrottlerGuard)
  @NoStore()
  @Header('Referrer-Policy', 'no-referrer')
  @Redirect()
  async start(@Param('token') token: string, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse) {
    const start = await this.auth.startConnect(this.cookies.binding(req), token);
    this.cookies.setBinding(res, start.bindingCookie);
    return { url: start.authorizeUrl, statusCode: 303 };
  }
}
