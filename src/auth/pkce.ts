import { createHash } from 'node:crypto';

/** RFC 7636 S256: base64url(sha256(verifier)), no padding. */
export function s256CodeChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier).digest('base64url');
}
