import { SandboxApiError } from './sandbox-api-error';
import type { SandboxBase } from './sandbox-data';
import type { Grant, GrantStore } from './sandbox-grants';
import type { SandboxRequest } from './sandbox-http';
import type { SandboxRateLimit } from './sandbox-rate-limit';

/** Airtable's permission levels, each allowing what the ones before it allow. */
const PERMISSION_LEVELS: ReadonlyArray<SandboxBase['permissionLevel']> = ['none', 'read', 'comment', 'edit', 'create'];
const LEVEL_NEEDED = { read: 'read', write: 'edit', create: 'create' } as const;

/**
 * The checks a Web API call passes, each a step of its own so that every route makes them in Airtable's
 * order: the token, then the base's rate limit, then the scope, then access to the base.
 */
export class SandboxAccess {
  constructor(
    private readonly grants: GrantStore,
    private readonly bases: SandboxBase[],
    private readonly rateLimit: SandboxRateLimit,
  ) {}

  authenticate(req: SandboxRequest): Grant {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const grant = match ? this.grants.grantForAccessToken(match[1]) : undefined;
    if (!grant) throw new SandboxApiError(401, 'AUTHENTICATION_REQUIRED', 'Authentication required');
    return grant;
  }

  /** Counts the call against its base, whether or not the base exists or is granted. */
  throttle(baseId: string): void {
    if (!this.rateLimit.allow(baseId)) {
      throw new SandboxApiError(429, 'RATE_LIMIT_REACHED', 'Rate limit exceeded. Please try again later');
    }
  }

  requireScope(grant: Grant, scope: string): void {
    if (!grant.scopes.includes(scope)) {
      throw new SandboxApiError(403, 'INVALID_PERMISSIONS', 'You are not permitted to perform this operation because the token lacks a scope.');
    }
  }

  /** A base the grant can see; `write` also needs the user to be allowed to edit it, `create` to be its creator. */
  base(grant: Grant, baseId: string, access: 'read' | 'write' | 'create' = 'read'): SandboxBase {
    const base = this.bases.find((b) => b.id === baseId);
    if (!base || !grant.baseIds.includes(base.id) || base.permissionLevel === 'none') {
      throw new SandboxApiError(403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', 'Invalid permissions, or the requested model was not found.');
    }
    if (PERMISSION_LEVELS.indexOf(base.permissionLevel) < PERMISSION_LEVELS.indexOf(LEVEL_NEEDED[access])) {
      throw new SandboxApiError(403, 'INVALID_PERMISSIONS', 'You are not permitted to perform this operation.');
    }
    return base;
  }
}
