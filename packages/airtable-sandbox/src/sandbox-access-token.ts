import { createHash, randomBytes } from 'node:crypto';
import type { AirtableSandbox } from './sandbox.server';

export interface SandboxTokenRequest {
  /** Default: read and write records, read schemas. */
  scopes?: string[];
  /** The bases ticked on the consent screen; default: all of them. */
  baseIds?: string[];
  /** Default: the sandbox's first client. */
  clientId?: string;
}

const DEFAULT_SCOPES = ['data.records:read', 'data.records:write', 'schema.bases:read'];

/**
 * An access token the honest way: authorize with PKCE, allow on the consent screen, exchange the code.
 * The client must be registered with the sandbox (its first redirect URI is used).
 */
export async function sandboxAccessToken(sandbox: AirtableSandbox, request: SandboxTokenRequest = {}): Promise<string> {
  const client = request.clientId ? sandbox.options.clients.find((c) => c.clientId === request.clientId) : sandbox.options.clients[0];
  if (!client) throw new Error(`The sandbox has no client ${request.clientId}`);
  const redirectUri = client.redirectUris[0];
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/oauth2/v1/authorize', sandbox.url);
  authorize.search = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: (request.scopes ?? DEFAULT_SCOPES).join(' '),
    state: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const consent = await fetch(authorize, { redirect: 'manual' });
  const requestId = /name="request" value="([^"]+)"/.exec(await consent.text())?.[1];
  if (consent.status !== 200 || !requestId) throw new Error(`The consent screen did not show (status ${consent.status})`);

  const form = new URLSearchParams({ request: requestId, decision: 'allow' });
  for (const baseId of request.baseIds ?? sandbox.bases.map((b) => b.id)) form.append('base', baseId);
  const decided = await fetch(new URL('/oauth2/v1/authorize', sandbox.url), { method: 'POST', body: form, redirect: 'manual' });
  const code = new URL(decided.headers.get('location') ?? 'http://none.invalid').searchParams.get('code');
  if (!code) throw new Error(`The consent did not redirect with a code (status ${decided.status})`);

  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
  if (client.clientSecret) headers.authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  else body.set('client_id', client.clientId);
  const token = await fetch(new URL('/oauth2/v1/token', sandbox.url), { method: 'POST', headers, body });
  const tokens = (await token.json()) as { access_token?: string };
  if (token.status !== 200 || !tokens.access_token) throw new Error(`The token exchange failed (status ${token.status})`);
  return tokens.access_token;
}
