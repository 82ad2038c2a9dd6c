import { Clock } from '../../src/common/clock';

/** A clock for tests: it stands still until told to move. */
export class FakeClock extends Clock {
  constructor(private current = Date.now()) {
    super();
  }

  now(): number {
    return this.current;
  }

  set(epochMs: number): void {
    this.current = epochMs;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
