import type { SandboxAccess } from './sandbox-access';
import { answerErrors, invalidRequest, SandboxApiError } from './sandbox-api-error';
import { findTable, type SandboxBase, type SandboxTable } from './sandbox-data';
import { json, type SandboxRequest, type SandboxResponse } from './sandbox-http';
import { cellOptionsFromParams, listQueryFromBody, listQueryFromParams } from './sandbox-list-query';
import type { SandboxRecordReads } from './sandbox-record-reads';
import type { SandboxRecordWrites, UpdateMethod } from './sandbox-record-writes';
import { jsonBody, noQuery } from './sandbox-request-body';

type Operation = (base: SandboxBase, table: SandboxTable) => unknown;

/**
 * Airtable's records API under `/v0/{baseId}/{tableIdOrName}`: list (GET, or POST `/listRecords` for
 * parameters too long for a URL), get, create, update, replace and delete. Every call makes Airtable's
 * checks in its order: token, the base's rate limit, scope, base access, table, then the request itself.
 */
export class SandboxRecordsApi {
  constructor(
    private readonly access: SandboxAccess,
    private readonly reads: SandboxRecordReads,
    private readonly writes: SandboxRecordWrites,
  ) {}

  /** The answer for `segments` (the path after `/v0/`, still encoded), or undefined when no records route matches. */
  route(req: SandboxRequest, segments: string[]): SandboxResponse | undefined {
    // airtable.js writes to `/v0/{base}/{table}/`, with a trailing slash.
    const parts = segments.length > 2 && segments.at(-1) === '' ? segments.slice(0, -1) : segments;
    if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === '')) return undefined;
    let decoded: string[];
    try {
      decoded = parts.map(decodeURIComponent);
    } catch {
      return undefined;
    }
    const [baseId, table, recordId] = decoded;
    const method = req.method;
    const read = (operation: Operation) => this.checked(req, baseId, table, 'read', operation);
    const write = (operation: Operation) => this.checked(req, baseId, table, 'write', operation);
    const update: UpdateMethod | undefined = method === 'PATCH' || method === 'PUT' ? method : undefined;
    if (recordId === undefined) {
      if (method === 'GET') return read((base, t) => this.reads.list(base, t, listQueryFromParams(req.query)));
      if (method === 'POST') return write((base, t) => this.writes.create(base, t, writeBody(req)));
      if (update) return write((base, t) => this.writes.update(base, t, writeBody(req), update));
      if (method === 'DELETE') return write((base, t) => this.writes.delete(base, t, deletedIds(req.query)));
      return undefined;
    }
    if (recordId === 'listRecords' && method === 'POST') {
      return read((base, t) => this.reads.list(base, t, listQueryFromBody(jsonBody(req), req.query)));
    }
    if (method === 'GET') return read((base, t) => this.reads.one(base, t, recordId, cellOptionsFromParams(req.query)));
    if (update) return write((base, t) => this.writes.updateOne(base, t, recordId, writeBody(req), update));
    if (method === 'DELETE') {
      return write((base, t) => {
        noQuery(req.query);
        return this.writes.deleteOne(base, t, recordId);
      });
    }
    return undefined;
  }

  private checked(req: SandboxRequest, baseId: string, tableIdOrName: string, access: 'read' | 'write', operation: Operation): SandboxResponse {
    return answerErrors(() => {
      const grant = this.access.authenticate(req);
      this.access.throttle(baseId);
      this.access.requireScope(grant, access === 'read' ? 'data.records:read' : 'data.records:write');
      const base = this.access.base(grant, baseId, access);
      const table = findTable(base, tableIdOrName);
      if (!table) throw new SandboxApiError(404, 'TABLE_NOT_FOUND', `Could not find table ${tableIdOrName} in application ${baseId}`);
      return json(200, operation(base, table));
    });
  }
}

/** A write's JSON body; writes take no query parameters. */
function writeBody(req: SandboxRequest): unknown {
  noQuery(req.query);
  return jsonBody(req);
}

/** `DELETE ?records[]=rec...&records[]=...`: the only parameter a delete takes. */
function deletedIds(query: URLSearchParams): string[] {
  const ids: string[] = [];
  for (const [key, value] of query) {
    if (key !== 'records[]') throw invalidRequest(`Unknown parameter: ${key}`);
    ids.push(value);
  }
  return ids;
}
