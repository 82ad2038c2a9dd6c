import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import type { HttpRequest } from '../common/http-exchange';
import { SessionService } from './session.service';
import type { Session } from './session.store';

interface RequestWithSession extends HttpRequest {
  airtableSession?: Session;
}

/** Lets only signed-in browsers through (401 unauthenticated with a loginUrl otherwise). */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithSession>();
    const session = await this.sessions.current(req);
    if (!session) throw new AppError(ErrorCode.Unauthenticated, 'Connect your Airtable account first.');
    req.airtableSession = session;
    return true;
  }
}

/** The session SessionGuard found for this request. */
export const CurrentSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Session => context.switchToHttp().getRequest<RequestWithSession>().airtableSession!,
);
