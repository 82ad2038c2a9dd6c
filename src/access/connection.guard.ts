import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ApiKeyAuth } from '../api-keys/api-key.guard';
import { AppError, ErrorCode } from '../common/app-error';
import { Cookies } from '../common/cookies';
import { SameOriginGuard } from '../common/same-origin.guard';
import type { HttpRequest } from '../common/http-exchange';
import { ConnectionStore, type StoredConnection } from '../connections/connection.store';
import { SessionService } from '../sessions/session.service';

type Request = HttpRequest & { method: string; params: Record<string, string | undefined>; airtableConnection?: StoredConnection };

/**
 * Finds the connection a data route acts for. Under `/api/connections/:connectionId/...` a backend
 * names it with an API key (`data:read`, or the scope the route requires); everywhere else it is the
 * signed-in browser's, through its session. Either way the route gets it through CurrentConnection
 * and runs the same services.
 */
@Injectable()
export class ConnectionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly cookies: Cookies,
    private readonly apiKeys: ApiKeyAuth,
    private readonly connections: ConnectionStore,
    private readonly sameOrigin: SameOriginGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const connectionId = req.params.connectionId;
    if (connectionId === undefined) {
      // A cookie rides along with cross-site requests from sibling sites too: writes must come from this one.
      if (req.method !== 'GET' && req.method !== 'HEAD') this.sameOrigin.canActivate(context);
      req.airtableConnection = await this.fromSession(req);
    } else {
      req.airtableConnection = await this.fromApiKey(context, connectionId);
    }
    return true;
  }

  private async fromSession(req: Request): Promise<StoredConnection> {
    const connection = await this.sessions.current(this.cookies.sessionId(req));
    if (!connection) throw new AppError(ErrorCode.Unauthenticated);
    return connection;
  }

  private async fromApiKey(context: ExecutionContext, connectionId: string): Promise<StoredConnection> {
    await this.apiKeys.authorize(context, 'data:read');
    return this.connections.found(connectionId);
  }
}
