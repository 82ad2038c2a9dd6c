import { AppError, ErrorCode } from '../common/app-error';
import { RANDOM_TOKEN_PATTERN } from '../common/random';
import { strictQuery } from '../common/strict-query';

export type CallbackParams =
  | { kind: 'code'; state: string; params: URLSearchParams }
  | { kind: 'error'; state: string; error: string };

const NAMES = ['state', 'code', 'error', 'error_description', 'error_uri', 'iss'] as const;
const CODE_PATTERN = /^[\x21-\x7e]{1,2048}$/;

/**
 * Checks the shape of an authorization response before anything is looked up: each parameter at most
 * once, a state in the exact format this service generates, an `iss` (if any) from the expected
 * issuer, and exactly one of `code` and `error`. What `error` means is only acted on after the state
 * has been matched to a pending login.
 */
export function parseCallback(rawQuery: string, expectedIssuer: string): CallbackParams {
  const query = strictQuery(rawQuery, NAMES);
  const { state, code, error, iss } = query;
  if (state === undefined || !RANDOM_TOKEN_PATTERN.test(state)) {
    throw new AppError(ErrorCode.InvalidState, { message: 'This sign-in link is not valid. Please start again.' });
  }
  if (iss !== undefined && iss !== expectedIssuer) {
    throw new AppError(ErrorCode.IssuerMismatch);
  }
  if ((code === undefined) === (error === undefined)) {
    throw new AppError(ErrorCode.InvalidRequest, { message: 'The sign-in response must carry either a code or an error.' });
  }
  if (error !== undefined) return { kind: 'error', state, error };
  if (!CODE_PATTERN.test(code!)) throw new AppError(ErrorCode.InvalidRequest, { message: 'The sign-in response carries a malformed code.' });
  const params = new URLSearchParams({ state, code: code! });
  if (iss !== undefined) params.set('iss', iss);
  return { kind: 'code', state, params };
}
