import { json, type SandboxResponse } from './sandbox-http';

export function apiError(status: number, type: string, message: string): SandboxResponse {
  return json(status, { error: { type, message } });
}

/** A Web API failure in Airtable's shape, thrown where it is found and answered by `answerErrors`. */
export class SandboxApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }

  response(): SandboxResponse {
    // Airtable's 404 for a record (or route) that does not exist carries no type, only `NOT_FOUND`.
    return this.type === 'NOT_FOUND' ? json(404, { error: 'NOT_FOUND' }) : apiError(this.status, this.type, this.message);
  }
}

/** The request-validation failures: 422 with a type saying what to fix. */
export function unprocessable(type: string, message: string): SandboxApiError {
  return new SandboxApiError(422, type, message);
}

export function invalidRequest(message: string): SandboxApiError {
  return unprocessable('INVALID_REQUEST_UNKNOWN', message);
}

export function unknownField(name: string): SandboxApiError {
  return unprocessable('UNKNOWN_FIELD_NAME', `Unknown field name: "${name}"`);
}

export function notFound(): SandboxApiError {
  return new SandboxApiError(404, 'NOT_FOUND', 'Could not find what you are looking for');
}

export function answerErrors(handler: () => SandboxResponse): SandboxResponse {
  try {
    return handler();
  } catch (error) {
    if (error instanceof SandboxApiError) return error.response();
    throw error;
  }
}
