import { TokenCipher, TokenDecryptError } from './token-cipher';
import type { TokensConfig } from '../config/tokens.config';

const key = (fill: number) => Buffer.alloc(32, fill);
const cipherWith = (...keys: Buffer[]) => new TokenCipher({ encryptionKeys: keys } as TokensConfig);

describe('TokenCipher', () => {
  it('seals and opens, with a fresh IV every time', () => {
    const cipher = cipherWith(key(1));
    const a = cipher.seal('secret token', 'conn-1');
    const b = cipher.seal('secret token', 'conn-1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(cipher.open(a, 'conn-1')).toBe('secret token');
  });

  it('refuses a value moved to another record (the record id is associated data)', () => {
    const cipher = cipherWith(key(1));
    expect(() => cipher.open(cipher.seal('secret', 'conn-1'), 'conn-2')).toThrow(TokenDecryptError);
  });

  it('refuses a tampered value', () => {
    const cipher = cipherWith(key(1));
    const parts = cipher.seal('secret', 'conn-1').split('.');
    parts[3] = Buffer.from('other!').toString('base64url');
    expect(() => cipher.open(parts.join('.'), 'conn-1')).toThrow(TokenDecryptError);
    expect(() => cipher.open('garbage', 'conn-1')).toThrow(TokenDecryptError);
  });

  it('reads with every configured key and writes with the first (rotation)', () => {
    const old = cipherWith(key(1));
    const sealedWithOld = old.seal('secret', 'conn-1');
    const rotated = cipherWith(key(2), key(1));
    expect(rotated.open(sealedWithOld, 'conn-1')).toBe('secret');
    const sealedWithNew = rotated.seal('secret', 'conn-1');
    expect(() => old.open(sealedWithNew, 'conn-1')).toThrow(TokenDecryptError);
    expect(cipherWith(key(2)).open(sealedWithNew, 'conn-1')).toBe('secret');
    expect(() => cipherWith(key(3)).open(sealedWithOld, 'conn-1')).toThrow(TokenDecryptError);
  });
});
