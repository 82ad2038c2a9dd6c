import type { SandboxAccess } from './sandbox-access';
import { answerErrors, invalidRequest } from './sandbox-api-error';
import type { SandboxBase } from './sandbox-data';
import type { Grant } from './sandbox-grants';
import { json, REPEATED, type SandboxRequest, type SandboxResponse, single } from './sandbox-http';
import { jsonBody, noQuery } from './sandbox-request-body';
import { scopesFor, webhookInput } from './sandbox-webhook-spec';
import { MAX_PAYLOADS_PER_PAGE, type SandboxWebhooks } from './sandbox-webhooks';

type Operation = (grant: Grant, base: SandboxBase) => unknown;

const POSITIVE_INTEGER = /^[1-9]\d{0,15}$/;

/**
 * Airtable's webhooks API under `/v0/bases/{baseId}/webhooks`. Every call makes Airtable's checks in its
 * order: token, the base's rate limit (shared with every other route on the base), scope `webhook:manage`,
 * base access, then the request itself.
 */
export class SandboxWebhooksApi {
  constructor(
    private readonly access: SandboxAccess,
    private readonly webhooks: SandboxWebhooks,
  ) {}

  /** The answer for `segments` (the path after `/v0/bases/`, still encoded), or undefined when no webhooks route matches. */
  route(req: SandboxRequest, segments: string[]): SandboxResponse | undefined {
    if (segments.length < 2 || segments.length > 4 || segments[1] !== 'webhooks' || segments.some((part) => part === '')) return undefined;
    let decoded: string[];
    try {
      decoded = segments.map(decodeURIComponent);
    } catch {
      return undefined;
    }
    const [baseId, , webhookId, action] = decoded;
    const path = webhookId === undefined ? 'webhooks' : action === undefined ? 'webhooks/:id' : `webhooks/:id/${action}`;
    const checked = (level: 'read' | 'create', operation: Operation) => this.checked(req, baseId, level, operation);
    switch (`${req.method} ${path}`) {
      case 'GET webhooks':
        return checked('read', (grant) => {
          noQuery(req.query);
          return { webhooks: this.webhooks.list(baseId, grant.clientId) };
        });
      case 'POST webhooks':
        return checked('create', (grant, base) => {
          noQuery(req.query);
          const input = webhookInput(jsonBody(req), base);
          for (const scope of scopesFor(input.specification)) this.access.requireScope(grant, scope);
          return this.webhooks.create(baseId, grant.clientId, input);
        });
      case 'DELETE webhooks/:id':
        return checked('read', (grant) => {
          noQuery(req.query);
          this.webhooks.delete(baseId, grant.clientId, webhookId!);
          return {};
        });
      case 'POST webhooks/:id/refresh':
        return checked('read', (grant) => {
          noQuery(req.query);
          noBody(req);
          return this.webhooks.refresh(baseId, grant.clientId, webhookId!);
        });
      case 'GET webhooks/:id/payloads':
        return checked('read', (grant) => {
          const { cursor, limit } = payloadQuery(req.query);
          return this.webhooks.payloads(baseId, grant.clientId, webhookId!, cursor, limit);
        });
    }
    return undefined;
  }

  private checked(req: SandboxRequest, baseId: string, level: 'read' | 'create', operation: Operation): SandboxResponse {
    return answerErrors(() => {
      const grant = this.access.authenticate(req);
      this.access.throttle(baseId);
      this.access.requireScope(grant, 'webhook:manage');
      return json(200, operation(grant, this.access.base(grant, baseId, level)));
    });
  }
}

/** A refresh carries nothing; clients that always send JSON may send an empty object. */
function noBody(req: SandboxRequest): void {
  if (req.body.trim() === '') return;
  const body = jsonBody(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length > 0) {
    throw invalidRequest('A refresh takes no parameters.');
  }
}

/** `cursor` (from 1, default 1) and `limit` (1 to 50, default 50), each at most once; nothing else. */
function payloadQuery(query: URLSearchParams): { cursor: number; limit: number } {
  const unknown = [...query.keys()].find((key) => key !== 'cursor' && key !== 'limit');
  if (unknown !== undefined) throw invalidRequest(`Unknown parameter: ${unknown}`);
  const number = (name: string, fallback: number, max: number) => {
    const value = single(query, name);
    if (value === REPEATED) throw invalidRequest(`${name} is given more than once.`);
    if (value === undefined) return fallback;
    if (!POSITIVE_INTEGER.test(value) || Number(value) > max) throw invalidRequest(`${name} must be an integer from 1 to ${max}.`);
    return Number(value);
  };
  return { cursor: number('cursor', 1, Number.MAX_SAFE_INTEGER), limit: number('limit', MAX_PAYLOADS_PER_PAGE, MAX_PAYLOADS_PER_PAGE) };
}
