import type { SandboxAccess } from './sandbox-access';
import { answerErrors, apiError } from './sandbox-api-error';
import type { SandboxBase, SandboxUser } from './sandbox-data';
import { json, type SandboxRequest, type SandboxResponse } from './sandbox-http';
import type { SandboxOptions } from './sandbox.options';

const OFFSET_PREFIX = 'itr';

/** Airtable's meta Web API (`/v0/meta/...`), bearer token in the Authorization header. */
export class SandboxApi {
  constructor(
    private readonly options: SandboxOptions,
    private readonly access: SandboxAccess,
    private readonly user: SandboxUser,
    private readonly bases: SandboxBase[],
  ) {}

  whoami(req: SandboxRequest): SandboxResponse {
    return answerErrors(() => {
      const grant = this.access.authenticate(req);
      return json(200, {
        id: this.user.id,
        scopes: grant.scopes,
        ...(grant.scopes.includes('user.email:read') ? { email: this.user.email } : {}),
      });
    });
  }

  /** Bases the grant can see, a page at a time; `offset` is absent on the last page. */
  listBases(req: SandboxRequest): SandboxResponse {
    return answerErrors(() => {
      const grant = this.access.authenticate(req);
      this.access.requireScope(grant, 'schema.bases:read');
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
    return answerErrors(() => {
      const grant = this.access.authenticate(req);
      this.access.throttle(baseId);
      this.access.requireScope(grant, 'schema.bases:read');
      const base = this.access.base(grant, baseId);
      const withVisible = req.query.getAll('include').includes('visibleFieldIds');
      const tables = base.tables.map((table) => ({
        ...table,
        // A view's filter and sort are the sandbox's own; Airtable's schema does not show them.
        views: table.views.map(({ visibleFieldIds, filter: _filter, sort: _sort, ...view }) =>
          withVisible && view.type === 'grid' ? { ...view, visibleFieldIds } : view,
        ),
      }));
      return json(200, { tables });
    });
  }
}
