import { AppError, ErrorCode } from '../common/app-error';

export function storeUnavailable(cause?: unknown): AppError {
  return new AppError(ErrorCode.StoreUnavailable, { cause, retryAfterSeconds: 5 });
}

/**
 * Resolves with `promise`, or fails with store_unavailable after `ms`; any other failure of a store
 * becomes store_unavailable too, so callers see one error whatever the driver. A call past its time is
 * left to finish or fail on its own: the caller just stops waiting for it.
 */
export async function withinTime<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(storeUnavailable(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    throw error instanceof AppError ? error : storeUnavailable(error);
  } finally {
    clearTimeout(timer);
  }
}
