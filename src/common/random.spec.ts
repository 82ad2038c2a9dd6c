import { RANDOM_TOKEN_PATTERN, randomToken } from './random';

describe('randomToken', () => {
  it('gives 43-character base64url tokens, never the same twice, across pool refills', () => {
    const tokens = Array.from({ length: 1_000 }, () => randomToken()); // several 128-token pools
    expect(tokens.every((t) => RANDOM_TOKEN_PATTERN.test(t))).toBe(true);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});
