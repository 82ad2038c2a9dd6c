import { AppError, ErrorCode } from '../../common/app-error';

export interface SqlStoreOptions {
  /** A store call that has no answer after this long fails with store_unavailable. */
  timeoutMs?: number;
}

export const DEFAULT_STORE_TIMEOUT_MS = 5_000;

/**
 * Runs `work` against the database within `timeoutMs`, turning every failure into store_unavailable:
 * callers see one error whatever the driver. A query past its time is left to finish or fail on its own;
 * the caller just stops waiting for it.
 */
export async function storeCall<T>(timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No answer from the database within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work(), timeout]);
  } catch (error) {
    throw new AppError(ErrorCode.StoreUnavailable, 'The service cannot reach its store right now. Please try again shortly.', {
      cause: error,
      retryAfterSeconds: 5,
    });
  } finally {
    clearTimeout(timer);
  }
}
