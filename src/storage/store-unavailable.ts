import { AppError, ErrorCode } from '../common/app-error';

export function storeUnavailable(cause?: unknown): AppError {
  return new AppError(ErrorCode.StoreUnavailable, { cause, retryAfterSeconds: 5 });
}

/**
 * A store answered, and refused the statement: a constraint violation or a query error. Unlike an
 * outage it will not pass by waiting, so it is a 500, logged with its class and the driver's code.
 */
export class StoreQueryError extends Error {
  /** The driver's error code: PostgreSQL's SQLSTATE (`23505`) or SQLite's (`SQLITE_CONSTRAINT_UNIQUE`). */
  readonly code: string;

  constructor(cause: unknown) {
    const code = driverCode(cause) ?? 'unknown';
    super(`The store refused a statement (${code})`, { cause });
    this.name = 'StoreQueryError';
    this.code = code;
  }

  /** A unique key was already taken: a race between two writers, which the caller may be able to settle. */
  get uniqueViolation(): boolean {
    return this.code === '23505' || this.code === 'SQLITE_CONSTRAINT_UNIQUE' || this.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** PostgreSQL's conditions that pass: a conflict to retry (40001, 40P01), a lock or a statement that timed out (55P03, 57014). */
const POSTGRES_PASSING = new Set(['40001', '40P01', '55P03', '57014']);
const SQLITE_OUTAGES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|PROTOCOL|NOMEM)/;
/** The errors pg and better-sqlite3 raise without a code: a connection that could not be had, or ended. */
const CONNECTION_LOST = /timeout exceeded when trying to connect|Connection terminated|connection error|not queryable|pool after calling end|Client was closed|connection is not open/i;

function driverCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
}

/**
 * Whether a database failure means the store cannot serve now (wait and retry: 503) rather than that it
 * refused the statement. PostgreSQL's connection and resource classes (08, 53, 57P, 58) and its passing
 * conflicts, the network's errors, the pool's own connection errors, and SQLite's busy, locked or I/O
 * failures are outages.
 */
export function isStoreOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  const code = driverCode(error);
  if (code === undefined) return CONNECTION_LOST.test(error.message);
  return NETWORK_CODES.has(code) || POSTGRES_PASSING.has(code) || /^(08|53|57P|58)/.test(code) || SQLITE_OUTAGES.test(code);
}

/** How a failed call is reported. A database's: an outage, or a statement it refused. */
export function sqlFailure(error: unknown): AppError | StoreQueryError {
  return isStoreOutage(error) ? storeUnavailable(error) : new StoreQueryError(error);
}

/** Redis refuses nothing the service sends for a reason of its own: every failure of it is an outage. */
export function outage(error: unknown): AppError {
  return storeUnavailable(error);
}

/**
 * Resolves with `promise`, or fails with store_unavailable after `ms`; any other failure is reported
 * as `failure` says (a database's by default). A call past its time is left to finish or fail on its
 * own: the caller just stops waiting for it.
 */
export async function withinTime<T>(promise: Promise<T>, ms: number, failure: (error: unknown) => Error = sqlFailure): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(storeUnavailable(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    if (error instanceof AppError || error instanceof StoreQueryError) throw error;
    throw failure(error);
  } finally {
    clearTimeout(timer);
  }
}
