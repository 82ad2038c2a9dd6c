import { Inject, Injectable } from '@nestjs/common';
import { HttpExchange, type HttpRequest, type HttpResponse } from '../common/http-exchange';
import { RANDOM_TOKEN_PATTERN } from '../common/random';
import { appConfig, type AppConfig } from '../config/app.config';
import { type Connection, ConnectionStore } from '../connections/connection.store';
import { SessionStore } from './session.store';

const SESSION_COOKIE = 'sid';

/** The session behind a browser's cookie, and the Airtable connection it uses. */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly connections: ConnectionStore,
    private readonly http: HttpExchange,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async current(req: HttpRequest): Promise<Connection | undefined> {
    const id = this.sessionId(req);
    const session = id && (await this.sessions.use(id));
    return session ? this.connections.getWithoutTokens(session.connectionId) : undefined;
  }

  /** A new id at every login (never one the browser had before), and the browser's old session ends. */
  async start(req: HttpRequest, res: HttpResponse, connectionId: string): Promise<void> {
    const previous = this.sessionId(req);
    if (previous) await this.sessions.delete(previous);
    const id = await this.sessions.create(connectionId);
    this.http.setCookie(res, SESSION_COOKIE, id, this.config.sessionTtlMs);
  }

  /** Signing out ends the session and deletes its connection's tokens (and so its other sessions). */
  async end(req: HttpRequest, res: HttpResponse): Promise<void> {
    const id = this.sessionId(req);
    const session = id && (await this.sessions.use(id));
    if (session) await this.connections.delete(session.connectionId);
    if (id) await this.sessions.delete(id);
    this.http.clearCookie(res, SESSION_COOKIE);
  }

  private sessionId(req: HttpRequest): string | undefined {
    const id = this.http.cookie(req, SESSION_COOKIE);
    return id && RANDOM_TOKEN_PATTERN.test(id) ? id : undefined;
  }
}
