// The OAuth work every peer does, written the way a hand-rolled server would.
// Login: state and PKCE verifier from 32 random bytes, the S256 challenge, a pending entry with a TTL in
// a Map, the browser-binding cookie, and a 302 to the authorize URL (whose fixed part is computed once).
// Callback: take the pending entry once, check the binding cookie, exchange the code at the token
// endpoint, ask whoami who signed in, start a session in a Map, and a 303 home.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const BINDING = /(?:^|;\s*)auth_binding=([A-Za-z0-9_-]{43})/;
const random = () => randomBytes(32).toString('base64url');

export function oauthWork({ authorizeUrl, tokenUrl, apiUrl, clientId, redirectUri, scopes, ttlMs = 600_000, secret = 'bench-secret-0123456789abcdefghij' }) {
  const prefix = `${authorizeUrl}?${new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: scopes,
    code_challenge_method: 'S256',
  })}`;
  const pending = new Map();
  const sessions = new Map();
  setInterval(() => {
    const now = Date.now();
    for (const [state, entry] of pending) if (entry.expiresAt <= now) pending.delete(state);
  }, Math.max(1000, ttlMs / 10)).unref();
  const bindingHash = (nonce) => createHmac('sha256', secret).update(nonce).digest();

  function login(cookieHeader) {
    const nonce = BINDING.exec(cookieHeader ?? '')?.[1] ?? random();
    const state = random();
    const verifier = random();
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    pending.set(state, { verifier, bindingHash: bindingHash(nonce), returnTo: '/', expiresAt: Date.now() + ttlMs });
    return {
      location: `${prefix}&state=${state}&code_challenge=${challenge}`,
      cookie: `auth_binding=${nonce}; Max-Age=${ttlMs / 1000}; Path=/; HttpOnly; SameSite=Lax`,
    };
  }

  /** Resolves to a redirect with the session cookie, or `{ status: 400 }` for anything that does not check out. */
  async function callback(rawQuery, cookieHeader) {
    const params = new URLSearchParams(rawQuery);
    const state = params.get('state');
    const code = params.get('code');
    const entry = state ? pending.get(state) : undefined;
    if (!entry || !code) return { status: 400 };
    pending.delete(state);
    const nonce = BINDING.exec(cookieHeader ?? '')?.[1];
    if (!nonce || entry.expiresAt <= Date.now() || !timingSafeEqual(bindingHash(nonce), entry.bindingHash)) return { status: 400 };
    const tokenResponse = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: entry.verifier, client_id: clientId }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!tokenResponse.ok) return { status: 502 };
    const tokens = await tokenResponse.json();
    const me = await fetch(`${apiUrl}/v0/meta/whoami`, { headers: { authorization: `Bearer ${tokens.access_token}` }, signal: AbortSignal.timeout(10_000) });
    if (!me.ok) return { status: 502 };
    const sessionId = random();
    sessions.set(sessionId, { user: await me.json(), tokens });
    return { status: 303, location: entry.returnTo, cookie: `sid=${sessionId}; Path=/; HttpOnly; SameSite=Lax` };
  }

  return { login, callback };
}

export function peerOptions() {
  const sandbox = process.env.SANDBOX_URL ?? 'http://127.0.0.1:4001';
  return {
    authorizeUrl: `${sandbox}/oauth2/v1/authorize`,
    tokenUrl: `${sandbox}/oauth2/v1/token`,
    apiUrl: sandbox,
    clientId: 'sandbox-client',
    redirectUri: process.env.REDIRECT_URI ?? 'http://localhost:4000/airtable-oauth',
    scopes: 'data.records:read data.records:write schema.bases:read user.email:read',
  };
}
