import { Controller, Get, Header, Inject, Post, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import { HttpExchange, type HttpRequest, type HttpResponse } from '../common/http-exchange';
import { SameOriginGuard } from '../common/same-origin.guard';
import { strictQuery } from '../common/strict-query';
import { authConfig, type AuthConfig } from '../config/auth.config';
import { SessionService } from '../sessions/session.service';
import { AuthThrottlerGuard } from './auth-throttler.guard';
import { AuthService } from './auth.service';

const BINDING_COOKIE = 'auth_binding';

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly http: HttpExchange,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  @Get('auth/login')
  @UseGuards(AuthThrottlerGuard)
  @Header('Cache-Control', 'no-store')
  @Redirect()
  async login(@Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse) {
    const { returnTo } = strictQuery(this.http.rawQuery(req), ['returnTo']);
    const start = await this.auth.startLogin(this.http.cookie(req, BINDING_COOKIE), returnTo);
    this.http.setCookie(res, BINDING_COOKIE, start.bindingCookie, this.config.requestTtlMs);
    return { url: start.authorizeUrl, statusCode: 302 };
  }

  @Get('airtable-oauth')
  @UseGuards(AuthThrottlerGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @Redirect()
  async callback(@Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse) {
    const result = await this.auth.completeLogin(this.http.rawQuery(req), this.http.cookie(req, BINDING_COOKIE));
    await this.sessions.start(req, res, result.connectionId);
    // 303 to a clean URL: the code and state leave the address bar and the history.
    return { url: result.returnTo, statusCode: 303 };
  }

  @Post('auth/logout')
  @UseGuards(SameOriginGuard)
  @Redirect()
  async logout(@Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse) {
    await this.sessions.end(req, res);
    return { url: '/', statusCode: 303 };
  }
}
