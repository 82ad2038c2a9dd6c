import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import type { HttpRequest } from '../common/http-exchange';
import type { Connection } from '../connections/connection.store';
import { SessionService } from './session.service';

interface RequestWithConnection extends HttpRequest {
  airtableConnection?: Connection;
}

/** Lets only signed-in browsers through (401 unauthenticated with a loginUrl otherwise). */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithConnection>();
    const connection = await this.sessions.current(req);
    if (!connection) throw new AppError(ErrorCode.Unauthenticated, 'Connect your Airtable account first.');
    req.airtableConnection = connection;
    return true;
  }
}

/** The connection of the session SessionGuard found for this request. */
export const CurrentConnection = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Connection =>
    context.switchToHttp().getRequest<RequestWithConnection>().airtableConnection!,
);
