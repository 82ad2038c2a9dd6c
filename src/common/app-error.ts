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
  ReauthRequired = 'reauth_required',
  InvalidBaseId = 'invalid_base_id',
  BaseNotAccessible = 'base_not_accessible',
  InsufficientScope = 'insufficient_scope',
  UpstreamRejected = 'upstream_rejected',
  RateLimited = 'rate_limited',
  RefreshUnavailable = 'refresh_unavailable',
  /** Airtable's 409: another refresh of the same token won. Handled inside TokenService. */
  RefreshConflict = 'refresh_conflict',
  ForbiddenOrigin = 'forbidden_origin',
  NotFound = 'not_found',
  PayloadTooLarge = 'payload_too_large',
  TooManyRequests = 'too_many_requests',
  UpstreamError = 'upstream_error',
  UpstreamTimeout = 'upstream_timeout',
  UpstreamUnavailable = 'upstream_unavailable',
  StoreUnavailable = 'store_unavailable',
  Internal = 'internal_error',
}

/** A failure the service expects and explains. Services throw these; they never pick HTTP statuses. */
export class AppError extends Error {
  /** Sent as Retry-After. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
