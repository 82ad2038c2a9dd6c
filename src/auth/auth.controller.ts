import { Controller, Get, Header, Post, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import { Cookies } from '../common/cookies';
import { HttpExchange, type HttpRequest, type HttpResponse } from '../common/http-exchange';
import { SameOriginGuard } from '../common/same-origin.guard';
import { strictQuery } from '../common/strict-query';
import { SessionService } from '../sessions/session.service';
import { AuthThrottlerGuard } from './auth-throttler.guard';
import { AuthService } from './auth.service';

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly http: HttpExchange,
    private readonly cookies: Cookies,
  ) {}

  @Get('auth/login')
  @UseGuards(AuthThrottlerGuard)
  @Header('Cache-Control', 'no-store')
  @Redirect()
  async login(@Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse) {
    const { returnTo } = strictQuery(this.http.rawQuery(req), ['returnTo']);
    const start = await this.auth.startLogin(this.cookies.binding(req), returnTo);
    this.cookies.setBinding(res, start.bindingCookie);
    return { url: start.authorizeUrl, statusCode: 302 };
  }

  @Get('airtable-oauth')
  @UseGuards(AuthThrottlerGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @Redirect()
  async callback(@Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse) {
    const login = await this.auth.completeLogin(this.http.rawQuery(req), this.cookies.binding(req), this.cookies.sessionId(req));
    // 303 to a clean URL: the code and state leave the address bar and the history.
    if (login.kind === 'connected') return { url: connectedUrl(login.connectionId, login.returnUrl), statusCode: 303 };
    if (login.kind === 'declined') return { url: declinedUrl(login.connectToken, login.returnUrl), statusCode: 303 };
    this.cookies.setSession(res, login.sessionId);
    return { url: login.returnTo, statusCode: 303 };
  }

  @Post('auth/logout')
  @UseGuards(SameOriginGuard)
  @Redirect()
  async logout(@Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse) {
    await this.sessions.end(this.cookies.sessionId(req));
    this.cookies.clearSession(res);
    return { url: '/', statusCode: 303 };
  }
}

/** Back to the app with the connection's id, or (no return URL) to a page saying the tab can close. */
function connectedUrl(connectionId: string, returnUrl: string | undefined): string {
  if (!returnUrl) return '/connect/done';
  const url = new URL(returnUrl);
  url.searchParams.set('connectionId', connectionId);
  return url.toString();
}

/** Back to the app told that access was not granted, or (no return URL) to the link's page to try again. */
function declinedUrl(connectToken: string, returnUrl: string | undefined): string {
  if (!returnUrl) return `/connect/${connectToken}`;
  const url = new URL(returnUrl);
  url.searchParams.set('error', 'access_denied');
  return url.toString();
}
