// The /auth/login work every peer does, written the way a hand-rolled server would: state and PKCE
// verifier from 32 random bytes, the S256 challenge, a pending entry with a TTL in a Map, the
// browser-binding cookie, and a 302 to the authorize URL (whose fixed part is computed once).
import { createHash, createHmac, randomBytes } from 'node:crypto';

export function loginWork({ authorizeUrl, clientId, redirectUri, scopes, ttlMs = 600_000, secret = 'bench-secret-0123456789abcdefghij' }) {
  const prefix = `${authorizeUrl}?${new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: scopes,
    code_challenge_method: 'S256',
  })}`;
  const pending = new Map();
  setInterval(() => {
    const now = Date.now();
    for (const [state, entry] of pending) if (entry.expiresAt <= now) pending.delete(state);
  }, Math.max(1000, ttlMs / 10)).unref();

  return function login(cookieHeader) {
    const existing = /(?:^|;\s*)auth_binding=([A-Za-z0-9_-]{43})/.exec(cookieHeader ?? '')?.[1];
    const nonce = existing ?? randomBytes(32).toString('base64url');
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    pending.set(state, {
      verifier,
      bindingHash: createHmac('sha256', secret).update(nonce).digest('base64url'),
      returnTo: '/',
      expiresAt: Date.now() + ttlMs,
    });
    return {
      location: `${prefix}&state=${state}&code_challenge=${challenge}`,
      cookie: `auth_binding=${nonce}; Max-Age=${ttlMs / 1000}; Path=/; HttpOnly; SameSite=Lax`,
    };
  };
}

export function peerOptions() {
  return {
    authorizeUrl: process.env.AUTHORIZE_URL ?? 'http://127.0.0.1:4001/oauth2/v1/authorize',
    clientId: 'sandbox-client',
    redirectUri: process.env.REDIRECT_URI ?? 'http://localhost:4000/airtable-oauth',
    scopes: 'data.records:read data.records:write schema.bases:read user.email:read',
  };
}
