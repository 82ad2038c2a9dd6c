import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import type { HttpRequest } from '../common/http-exchange';
import { appConfig, type AppConfig } from '../config/app.config';
import { SessionService } from '../sessions/session.service';
import { homePage } from './home.page';

@Controller()
export class HomeController {
  constructor(
    private readonly sessions: SessionService,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async home(@Req() req: HttpRequest): Promise<string> {
    return homePage(await this.sessions.current(req), this.app.sandbox);
  }
}
