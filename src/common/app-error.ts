import { ERRORS, ErrorCode } from './error-codes';

export { ErrorCode } from './error-codes';

export interface AppErrorOptions {
  /** Instead of the code's default message, when the thrower can say more precisely what is wrong. */
  message?: string;
  cause?: unknown;
  /** Sent as Retry-After. */
  retryAfterSeconds?: number;
  /** Machine-readable facts for the client, added to the error body (never request data echoed back). */
  details?: Record<string, unknown>;
}

/** A failure the service expects and explains. Services throw these; they never pick HTTP statuses. */
export class AppError extends Error {
  readonly retryAfterSeconds?: number;
  readonly details?: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    options: AppErrorOptions = {},
  ) {
    super(options.message ?? ERRORS[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details;
  }
}
