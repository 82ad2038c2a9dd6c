/** Concurrent calls with the same key share one execution and its result. */
export class SingleFlight {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  run<T>(key: string, call: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = call().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}

/**
 * Calls with the same key run one at a time. A call while one runs gets one more run after it, shared
 * by every such call: it may bring work (a ping, a new outbox row) that the running one already looked
 * past. Calls with the same key must do the same thing.
 */
export class Coalescer {
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly queued = new Map<string, Promise<unknown>>();

  run<T>(key: string, call: () => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (!running) {
      const started = call().finally(() => this.running.delete(key));
      this.running.set(key, started);
      return started;
    }
    let queued = this.queued.get(key);
    if (!queued) {
      queued = running
        .catch(() => undefined)
        .then(() => {
          this.queued.delete(key);
          return this.run(key, call);
        });
      this.queued.set(key, queued);
    }
    return queued as Promise<T>;
  }
}
