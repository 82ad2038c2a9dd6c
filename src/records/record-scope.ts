import { AppError, ErrorCode } from '../common/app-error';
import type { StoredConnection } from '../connections/connection.store';

export const READ_SCOPE = 'data.records:read';
export const WRITE_SCOPE = 'data.records:write';

/** Refused here, before any call: Airtable would refuse it anyway, and the call would cost the base a turn. */
export function requireScope(stored: StoredConnection, scope: typeof READ_SCOPE | typeof WRITE_SCOPE): void {
  if (!stored.connection.scopes.includes(scope)) {
    throw new AppError(ErrorCode.InsufficientScope, { message: `This connection was not granted ${scope}. Connect again with it.` });
  }
}
