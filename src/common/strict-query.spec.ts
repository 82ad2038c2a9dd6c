import { ErrorCode } from './app-error';
import { strictQuery } from './strict-query';

describe('strictQuery', () => {
  it('returns each named parameter once and ignores the others', () => {
    expect(strictQuery('state=abc&code=x%2By&extra=1&extra=2', ['state', 'code', 'error'])).toEqual({ state: 'abc', code: 'x+y' });
  });

  it.each(['state=a&state=b', 'state[]=a', 'state[x]=a', 'state%5B%5D=a', 'state=a&state[]=b', 'state=&state='])(
    'refuses %s as invalid_request without echoing it',
    (raw) => {
      expect(() => strictQuery(raw, ['state'])).toThrow(expect.objectContaining({ code: ErrorCode.InvalidRequest }));
      try {
        strictQuery(raw, ['state']);
      } catch (error) {
        expect((error as Error).message).not.toMatch(/\ba\b|\[/);
      }
    },
  );
});
