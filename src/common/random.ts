import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_BYTES = 32;
const POOL_BYTES = TOKEN_BYTES * 128;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

/**
 * 256 bits of randomness as base64url: 43 characters of [A-Za-z0-9_-]. Drawn from a pool refilled
 * 4 KiB at a time (each byte used once): one call into the CSPRNG per 128 tokens, not per token.
 */
export function randomToken(): string {
  if (offset === POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + TOKEN_BYTES);
  offset += TOKEN_BYTES;
  return token;
}

export const RANDOM_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hmac(secret: string | Buffer, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}

/**
 * SHA-256 as hex: how secrets with 256 random bits (API keys, connect links) are stored. They need no
 * salt or slow hash: nothing can be guessed, and a lookup by hash takes the same time found or not.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A key of its own for each use of one configured secret (HKDF-SHA256), so no two uses share a key. */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', purpose, 32));
}
