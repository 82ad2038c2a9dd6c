import { closeAll } from './demo-shutdown';

describe('closeAll', () => {
  it('runs every closer after one fails, reports each failure and answers 1', async () => {
    const calls: string[] = [];
    const reported: unknown[] = [];
    const first = new Error('the service did not close');
    const code = await closeAll(
      [
        () => Promise.reject(first),
        async () => void calls.push('sandbox'),
        () => Promise.reject(new Error('nor this')),
      ],
      (error) => reported.push(error),
    );
    expect(calls).toEqual(['sandbox']);
    expect(reported).toEqual([first, new Error('nor this')]);
    expect(code).toBe(1);
  });

  it('answers 0 when every closer closed', async () => {
    expect(await closeAll([async () => undefined, async () => undefined], () => undefined)).toBe(0);
  });
});
