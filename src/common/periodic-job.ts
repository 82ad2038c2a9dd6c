import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppError } from './app-error';
import { Coalescer } from './single-flight';

/**
 * A job every instance runs on a timer: one pass at a time, the timer unref'd so it never keeps the
 * process alive, and stopped at shutdown. Fleet-wide exclusion, where a job needs it, is the job's own
 * (a lease row).
 */
export abstract class PeriodicJob<T = void> implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly passes = new Coalescer();

  /** Milliseconds between passes; undefined: this job does not run here. */
  protected abstract interval(): number | undefined;
  protected abstract pass(): Promise<T>;

  onApplicationBootstrap(): void {
    const ms = this.interval();
    const logger = new Logger(this.constructor.name);
    const failed = (error: unknown) => logger.warn(`A pass failed (${error instanceof AppError ? error.code : 'unexpected error'}); the next one tries again`);
    if (ms !== undefined) this.timer = setInterval(() => void this.runOnce().catch(failed), ms).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Runs a pass now; a call during a pass gets one more after it (see Coalescer). */
  runOnce(): Promise<T> {
    return this.passes.run('pass', () => this.pass());
  }
}
