import { invalidRequest, SandboxApiError } from './sandbox-api-error';
import type { SandboxRequest } from './sandbox-http';

export function jsonBody(req: SandboxRequest): unknown {
  try {
    return JSON.parse(req.body);
  } catch {
    throw new SandboxApiError(400, 'INVALID_REQUEST_UNKNOWN', 'The request body is not valid JSON.');
  }
}

/** For the routes that take no query parameters at all. */
export function noQuery(query: URLSearchParams): void {
  const key = query.keys().next().value;
  if (key !== undefined) throw invalidRequest(`Unknown parameter: ${key}`);
}
