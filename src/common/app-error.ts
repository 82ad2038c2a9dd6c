/** Stable, machine-readable error codes. The HTTP status for each lives in app-error.filter.ts only. */
export enum ErrorCode {
  InvalidRequest = 'invalid_request',
  InvalidState = 'invalid_state',
  BrowserMismatch = 'browser_mismatch',
  IssuerMismatch = 'issuer_mismatch',
  AccessDenied = 'access_denied',
  AuthorizationFailed = 'authorization_failed',
  TokenExchangeFailed = 'token_exchange_failed',
  Unauthenticated = 'unauthenticated',
  ForbiddenOrigin = 'forbidden_origin',
  NotFound = 'not_found',
  UpstreamError = 'upstream_error',
  UpstreamTimeout = 'upstream_timeout',
  UpstreamUnavailable = 'upstream_unavailable',
  StoreUnavailable = 'store_unavailable',
  Internal = 'internal_error',
}

/** A failure the service expects and explains. Services throw these; they never pick HTTP statuses. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}
