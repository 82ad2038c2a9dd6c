import { AppError, ErrorCode } from '../common/app-error';

/** Airtable's lockout after a 429, which clients are asked to wait out. */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 30;

const ERROR_TYPE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * The one mapping from Airtable Web API failures to this service's errors. Airtable's message is
 * never passed on: only its status and error type are read.
 */
export function apiError(status: number, body: unknown): AppError {
  const type = errorType(body);
  switch (status) {
    case 401:
      return new AppError(ErrorCode.ReauthRequired);
    case 403:
      return type === 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND'
        ? new AppError(ErrorCode.BaseNotAccessible)
        : new AppError(ErrorCode.InsufficientScope);
    case 404:
      return type === 'TABLE_NOT_FOUND'
        ? new AppError(ErrorCode.TableNotFound)
        : new AppError(ErrorCode.NotFound, { message: 'Airtable has nothing at this address.' });
    case 422:
      if (type === 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE') return new AppError(ErrorCode.OffsetExpired);
      // The type (UNKNOWN_FIELD_NAME, INVALID_FILTER_BY_FORMULA, ...) tells a caller what to fix;
      // only a well-formed one is passed on, never Airtable's free text.
      return new AppError(ErrorCode.UpstreamRejected, {
        details: type !== undefined && ERROR_TYPE.test(type) ? { airtableError: type } : undefined,
      });
    case 429:
      return new AppError(ErrorCode.RateLimited, { retryAfterSeconds: RATE_LIMIT_RETRY_AFTER_SECONDS });
    default:
      return new AppError(ErrorCode.UpstreamError, { message: `Airtable answered with status ${status}.` });
  }
}

export function invalidResponse(): AppError {
  return new AppError(ErrorCode.UpstreamError);
}

/** `{"error":{"type":"..."}}`, or the bare `{"error":"NOT_FOUND"}` some 404s use. */
function errorType(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string') {
    return (error as { type: string }).type;
  }
  return undefined;
}
