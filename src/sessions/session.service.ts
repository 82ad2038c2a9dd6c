import { Inject, Injectable } from '@nestjs/common';
import { HttpExchange, type HttpRequest, type HttpResponse } from '../common/http-exchange';
import { RANDOM_TOKEN_PATTERN } from '../common/random';
import { appConfig, type AppConfig } from '../config/app.config';
import { type Session, SessionStore } from './session.store';

export const SESSION_COOKIE = 'sid';

/** The session behind a browser's cookie. */
@Injectable()
export class SessionService {
  constructor(
    private readonly store: SessionStore,
    private readonly http: HttpExchange,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async current(req: HttpRequest): Promise<Session | undefined> {
    const id = this.sessionId(req);
    return id ? this.store.get(id) : undefined;
  }

  /** A new id at every login (never reuse one a browser had before), and the old session ends. */
  async start(req: HttpRequest, res: HttpResponse, session: Session): Promise<void> {
    const previous = this.sessionId(req);
    if (previous) await this.store.delete(previous);
    const id = await this.store.create(session);
    this.http.setCookie(res, SESSION_COOKIE, id, this.config.sessionTtlMs);
  }

  async end(req: HttpRequest, res: HttpResponse): Promise<void> {
    const id = this.sessionId(req);
    if (id) await this.store.delete(id);
    this.http.clearCookie(res, SESSION_COOKIE);
  }

  private sessionId(req: HttpRequest): string | undefined {
    const id = this.http.cookie(req, SESSION_COOKIE);
    return id && RANDOM_TOKEN_PATTERN.test(id) ? id : undefined;
  }
}
