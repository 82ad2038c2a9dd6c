import { HttpStatus } from '@nestjs/common';

/** Stable, machine-readable error codes. */
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

/**
 * Each code's HTTP status and the message a client gets unless the thrower says something more
 * precise. Only AppErrorFilter reads the statuses; services throw codes.
 */
export const ERRORS: Record<ErrorCode, { status: HttpStatus; message: string }> = {
  [ErrorCode.InvalidRequest]: { status: HttpStatus.BAD_REQUEST, message: 'The request is not valid.' },
  [ErrorCode.InvalidState]: { status: HttpStatus.BAD_REQUEST, message: 'This sign-in link has expired or was already used.' },
  [ErrorCode.BrowserMismatch]: { status: HttpStatus.BAD_REQUEST, message: 'This sign-in was started in another browser. Please start again here.' },
  [ErrorCode.IssuerMismatch]: { status: HttpStatus.BAD_REQUEST, message: 'The sign-in response did not come from Airtable.' },
  [ErrorCode.AccessDenied]: { status: HttpStatus.FORBIDDEN, message: 'Access to Airtable was not granted.' },
  [ErrorCode.AuthorizationFailed]: { status: HttpStatus.BAD_GATEWAY, message: 'Airtable could not complete the sign-in. Please try again.' },
  [ErrorCode.TokenExchangeFailed]: { status: HttpStatus.BAD_REQUEST, message: 'Airtable did not accept the sign-in. Please try again.' },
  [ErrorCode.Unauthenticated]: { status: HttpStatus.UNAUTHORIZED, message: 'Connect your Airtable account first.' },
  [ErrorCode.ReauthRequired]: { status: HttpStatus.UNAUTHORIZED, message: 'Airtable no longer accepts this connection. Please connect again.' },
  [ErrorCode.InvalidBaseId]: { status: HttpStatus.BAD_REQUEST, message: 'Base ids look like appXXXXXXXXXXXXXX.' },
  [ErrorCode.BaseNotAccessible]: { status: HttpStatus.FORBIDDEN, message: 'This base does not exist or was not granted to this connection.' },
  [ErrorCode.InsufficientScope]: { status: HttpStatus.FORBIDDEN, message: 'This connection is not permitted to do that. Connect again with more scopes.' },
  [ErrorCode.UpstreamRejected]: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: 'Airtable could not process this request.' },
  [ErrorCode.RateLimited]: { status: HttpStatus.TOO_MANY_REQUESTS, message: 'Airtable limits how fast a base can be read. Please try again shortly.' },
  [ErrorCode.RefreshUnavailable]: { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'Airtable could not renew access right now. Please try again shortly.' },
  [ErrorCode.RefreshConflict]: { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'Airtable is refreshing this connection already.' },
  [ErrorCode.ForbiddenOrigin]: { status: HttpStatus.FORBIDDEN, message: 'This request must come from this site.' },
  [ErrorCode.NotFound]: { status: HttpStatus.NOT_FOUND, message: 'There is nothing at this address.' },
  [ErrorCode.PayloadTooLarge]: { status: HttpStatus.PAYLOAD_TOO_LARGE, message: 'The request body is too large.' },
  [ErrorCode.TooManyRequests]: { status: HttpStatus.TOO_MANY_REQUESTS, message: 'Too many sign-in attempts from this address. Please wait a minute.' },
  [ErrorCode.UpstreamError]: { status: HttpStatus.BAD_GATEWAY, message: 'Airtable sent an invalid response.' },
  [ErrorCode.UpstreamTimeout]: { status: HttpStatus.GATEWAY_TIMEOUT, message: 'Airtable did not answer in time.' },
  [ErrorCode.UpstreamUnavailable]: { status: HttpStatus.BAD_GATEWAY, message: 'Airtable could not be reached.' },
  [ErrorCode.StoreUnavailable]: { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The service cannot reach its store right now. Please try again shortly.' },
  [ErrorCode.Internal]: { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Something went wrong on our side. Please try again.' },
};
