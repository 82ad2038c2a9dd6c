import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

/**
 * A job every instance runs on a timer: one pass at a time (a call during a pass shares it), the
 * timer unref'd so it never keeps the process alive, and stopped at shutdown. Fleet-wide exclusion,
 * where a job needs it, is the job's own (a lease row).
 */
export abstract class PeriodicJob<T = void> implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;

  /** Milliseconds between passes; undefined: this job does not run here. */
  protected abstract interval(): number | undefined;
  protected abstract pass(): Promise<T>;

  onApplicationBootstrap(): void {
    const ms = this.interval();
    // A failed pass is the pass's to report; the next one tries again.
    if (ms !== undefined) this.timer = setInterval(() => void this.runOnce().catch(() => undefined), ms).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  runOnce(): Promise<T> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }
}
