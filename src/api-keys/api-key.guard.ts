import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, ErrorCode } from '../common/app-error';
import type { HttpRequest } from '../common/http-exchange';
import type { ApiKey, ApiScope } from './api-key';
import { ApiKeyStore } from './api-key.store';

const REQUIRED_SCOPE = 'apiKeyScope';

/** The scope a route needs of the API key that calls it. */
export const RequiresScope = (scope: ApiScope) => SetMetadata(REQUIRED_SCOPE, scope);

/**
 * Checks `Authorization: Bearer <key>` against the stored keys on every request, so a revoked key
 * stops at once on every instance. No key, a malformed, unknown or revoked one all get the same 401.
 */
@Injectable()
export class ApiKeyAuth {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly reflector: Reflector,
  ) {}

  async authorize(context: ExecutionContext, fallback?: ApiScope): Promise<ApiKey> {
    const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]) ?? fallback;
    const header = context.switchToHttp().getRequest<HttpRequest>().headers.authorization ?? '';
    const match = /^Bearer ([\x21-\x7e]{1,200})$/.exec(header);
    const key = match ? await this.keys.authenticate(match[1]) : undefined;
    if (!key) throw new AppError(ErrorCode.InvalidApiKey);
    if (scope && !key.scopes.includes(scope)) {
      throw new AppError(ErrorCode.ApiKeyScope, { message: `This API key lacks the ${scope} scope.` });
    }
    return key;
  }
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly auth: ApiKeyAuth) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.auth.authorize(context);
    return true;
  }
}
