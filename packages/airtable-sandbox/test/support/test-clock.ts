import type { SandboxClock } from '../../src/sandbox.options';

/** A clock for tests: it stands still until told to move. */
export class TestClock implements SandboxClock {
  constructor(private current = Date.now()) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
