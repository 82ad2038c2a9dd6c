import { Coalescer } from './single-flight';

/** A call that stays running until released, counting how often it started. */
function gate() {
  let starts = 0;
  const releases: Array<() => void> = [];
  const call = () => {
    starts++;
    return new Promise<number>((resolve) => releases.push(() => resolve(starts)));
  };
  return { call, starts: () => starts, release: () => releases.shift()!() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  it('runs one call at a time per key, and one more after it for every call made meanwhile', async () => {
    const coalescer = new Coalescer();
    const { call, starts, release } = gate();
    const first = coalescer.run('a', call);
    const during = [coalescer.run('a', call), coalescer.run('a', call), coalescer.run('a', call)];
    expect(starts()).toBe(1);
    release();
    expect(await first).toBe(1);
    await settle();
    expect(starts()).toBe(2); // one follow-up for the three calls made during the first
    release();
    expect(await Promise.all(during)).toEqual([2, 2, 2]);
    await settle();
    expect(starts()).toBe(2);
  });

  it('runs the follow-up after a failed call too, and keeps keys apart', async () => {
    const coalescer = new Coalescer();
    let calls = 0;
    let fail!: (error: Error) => void;
    const failing = coalescer.run('a', () => new Promise<void>((_, reject) => (fail = reject)));
    const after = coalescer.run('a', async () => void calls++);
    await coalescer.run('b', async () => void calls++);
    expect(calls).toBe(1);
    fail(new Error('down'));
    await expect(failing).rejects.toThrow('down');
    await after;
    expect(calls).toBe(2);
  });
});
