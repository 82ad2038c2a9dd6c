import type { SandboxBase, SandboxUser } from './sandbox-data';
import type { Grant, GrantStore } from './sandbox-grants';
import { json, type SandboxRequest, type SandboxResponse } from './sandbox-http';
import { SandboxRateLimit } from './sandbox-rate-limit';
import type { SandboxOptions } from './sandbox.options';

export function apiError(status: number, type: string, message: string): SandboxResponse {
  return json(status, { error: { type, message } });
}

const OFFSET_PREFIX = 'itr';

/** Airtable's Web API (`/v0/...`), bearer token in the Authorization header. */
export class SandboxApi {
  private readonly rateLimit: SandboxRateLimit;

  constructor(
    private readonly options: SandboxOptions,
    private readonly grants: GrantStore,
    private readonly user: SandboxUser,
    private readonly bases: SandboxBase[],
  ) {
    this.rateLimit = new SandboxRateLimit(options.rateLimitPerSecond, options.rateLimitLockoutMs);
  }

  whoami(req: SandboxRequest): SandboxResponse {
    return this.withGrant(req, (grant) =>
      json(200, {
        id: this.user.id,
        scopes: grant.scopes,
        ...(grant.scopes.includes('user.email:read') ? { email: this.user.email } : {}),
      }),
    );
  }

  /** Bases the grant can see, a page at a time; `offset` is absent on the last page. */
  listBases(req: SandboxRequest): SandboxResponse {
    return this.withGrant(req, (grant) => {
      if (!grant.scopes.includes('schema.bases:read')) return missingScope();
      const visible = this.bases.filter((b) => grant.baseIds.includes(b.id));
      const offset = req.query.get('offset');
      const start = offset === null ? 0 : Number(offset.slice(OFFSET_PREFIX.length));
      if (offset !== null && (!offset.startsWith(OFFSET_PREFIX) || !Number.isInteger(start) || start <= 0 || start >= visible.length)) {
        return apiError(422, 'INVALID_OFFSET_VALUE', 'The offset is not valid.');
      }
      const end = start + this.options.basesPageSize;
      return json(200, {
        bases: visible.slice(start, end).map(({ id, name, permissionLevel }) => ({ id, name, permissionLevel })),
        ...(end < visible.length ? { offset: `${OFFSET_PREFIX}${end}` } : {}),
      });
    });
  }

  /** A granted base's schema; `include=visibleFieldIds` adds the visible fields of each grid view, and only of those. */
  baseTables(req: SandboxRequest, baseId: string): SandboxResponse {
    return this.withGrant(req, (grant) => {
      if (!this.rateLimit.allow(baseId)) {
        return apiError(429, 'RATE_LIMIT_REACHED', 'Rate limit exceeded. Please try again later');
      }
      if (!grant.scopes.includes('schema.bases:read')) return missingScope();
      const base = this.bases.find((b) => b.id === baseId);
      if (!base || !grant.baseIds.includes(base.id) || base.permissionLevel === 'none') {
        return apiError(403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', 'Invalid permissions, or the requested model was not found.');
      }
      const withVisible = req.query.getAll('include').includes('visibleFieldIds');
      const tables = base.tables.map((table) => ({
        ...table,
        views: table.views.map(({ visibleFieldIds, ...view }) =>
          withVisible && view.type === 'grid' ? { ...view, visibleFieldIds } : view,
        ),
      }));
      return json(200, { tables });
    });
  }

  private withGrant(req: SandboxRequest, handler: (grant: Grant) => SandboxResponse): SandboxResponse {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const grant = match ? this.grants.grantForAccessToken(match[1]) : undefined;
    if (!grant) return apiError(401, 'AUTHENTICATION_REQUIRED', 'Authentication required');
    return handler(grant);
  }
}

function missingScope(): SandboxResponse {
  return apiError(403, 'INVALID_PERMISSIONS', 'You are not permitted to perform this operation because the token lacks a scope.');
}
