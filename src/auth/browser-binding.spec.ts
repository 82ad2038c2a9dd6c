import type { AppConfig } from '../config/app.config';
import { hmac } from '../common/random';
import { BrowserBinding } from './browser-binding';

const SECRET = 'a-session-secret-of-at-least-32-characters';
const binding = (secret = SECRET) => new BrowserBinding({ sessionSecret: secret } as AppConfig);

describe('BrowserBinding', () => {
  it('keeps the nonce of a cookie it signed, so parallel logins share one binding', () => {
    const first = binding().issue(undefined);
    expect(first.cookie).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(binding().issue(first.cookie)).toEqual(first);
    expect(binding().nonceOf(first.cookie)).toBe(first.nonce);
  });

  it.each([
    ['a bare nonce', (cookie: string) => cookie.split('.')[0]],
    ['a changed nonce', (cookie: string) => `${cookie.startsWith('A') ? 'B' : 'A'}${cookie.slice(1)}`],
    ['a changed signature', (cookie: string) => `${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`],
    ['a longer value', (cookie: string) => `${cookie}A`],
  ])('replaces %s instead of adopting it', (_name, tamper) => {
    const planted = tamper(binding().issue(undefined).cookie);
    expect(binding().nonceOf(planted)).toBeUndefined();
    expect(binding().issue(planted).nonce).not.toBe(planted.split('.')[0]);
  });

  it('does not accept a cookie signed under another secret', () => {
    const other = binding('another-secret-of-at-least-32-characters').issue(undefined);
    expect(binding().nonceOf(other.cookie)).toBeUndefined();
  });

  it('keys the stored hash and the cookie signature apart from each other and from the session ids', () => {
    const { nonce, cookie } = binding().issue(undefined);
    const signature = cookie.split('.')[1];
    const stored = binding().hash(nonce);
    expect(new Set([signature, stored, hmac(SECRET, nonce)]).size).toBe(3);
  });
});
