import type { SandboxUser } from './sandbox-data';
import type { Grant, GrantStore } from './sandbox-grants';
import { json, type SandboxRequest, type SandboxResponse } from './sandbox-http';

export function apiError(status: number, type: string, message: string): SandboxResponse {
  return json(status, { error: { type, message } });
}

/** Airtable's Web API (`/v0/...`), bearer token in the Authorization header. */
export class SandboxApi {
  constructor(
    private readonly grants: GrantStore,
    private readonly user: SandboxUser,
  ) {}

  whoami(req: SandboxRequest): SandboxResponse {
    return this.withGrant(req, (grant) =>
      json(200, {
        id: this.user.id,
        scopes: grant.scopes,
        ...(grant.scopes.includes('user.email:read') ? { email: this.user.email } : {}),
      }),
    );
  }

  private withGrant(req: SandboxRequest, handler: (grant: Grant) => SandboxResponse): SandboxResponse {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const grant = match ? this.grants.grantForAccessToken(match[1]) : undefined;
    if (!grant) return apiError(401, 'AUTHENTICATION_REQUIRED', 'Authentication required');
    return handler(grant);
  }
}
