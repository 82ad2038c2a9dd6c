/** A part that does not close within this long no longer holds the demo up. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Ctrl-C (or SIGTERM) closes each part in order and exits. Further signals while closing are ignored:
 * under `npm run demo` one Ctrl-C arrives twice, from the terminal and forwarded by npm.
 */
export function closeOnSignal(closers: (() => Promise<unknown>)[]): void {
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), CLOSE_TIMEOUT_MS).unref();
    process.exit(await closeAll(closers));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
}

/**
 * Runs every closer, in order, even after one fails: the sandbox saves its data when it stops, however
 * the service's close went. Prints each failure; the exit code is 1 if any failed.
 */
export async function closeAll(closers: (() => Promise<unknown>)[], report: (error: unknown) => void = console.error): Promise<number> {
  let code = 0;
  for (const close of closers) {
    try {
      await close();
    } catch (error) {
      report(error);
      code = 1;
    }
  }
  return code;
}
