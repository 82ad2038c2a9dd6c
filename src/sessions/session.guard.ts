import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import { Cookies } from '../common/cookies';
import type { HttpRequest } from '../common/http-exchange';
import type { StoredConnection } from '../connections/connection.store';
import { SessionService } from './session.service';

interface RequestWithConnection extends HttpRequest {
  airtableConnection?: StoredConnection;
}

/** Lets only signed-in browsers through (401 unauthenticated with a loginUrl otherwise). */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly cookies: Cookies,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithConnection>();
    const connection = await this.sessions.current(this.cookies.sessionId(req));
    if (!connection) throw new AppError(ErrorCode.Unauthenticated);
    req.airtableConnection = connection;
    return true;
  }
}

/** The connection SessionGuard loaded for this request: the one every call of the request uses. */
export const CurrentConnection = createParamDecorator(
  (_data: unknown, context: ExecutionContext): StoredConnection =>
    context.switchToHttp().getRequest<RequestWithConnection>().airtableConnection!,
);
