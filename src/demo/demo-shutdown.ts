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
    try {
      for (const close of closers) await close();
      process.exit(0);
    } catch (error) {
      console.error(error);
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
}
