import { createHash, randomBytes } from 'node:crypto';
import type { SandboxClient } from './sandbox.options';
import type { AirtableSandbox } from './sandbox.server';

export interface SandboxTokenRequest {
  /** Default: read and write records, read schemas. */
  scopes?: string[];
  /** The bases ticked on the consent screen; default: all of them. */
  baseIds?: string[];
  /** Default: the sandbox's first client. */
  clientId?: string;
}

/** A sandbox known only by its address and registered clients, e.g. one running in another process. */
export interface SandboxAddress {
  url: string;
  clients: ReadonlyArray<Pick<SandboxClient, 'clientId' | 'clientSecret' | 'redirectUris'>>;
}

/** The token endpoint's answer. */
export interface SandboxTokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  scope: string;
  expires_in: number;
  refresh_expires_in: number;
}

const DEFAULT_SCOPES = ['data.records:read', 'data.records:write', 'schema.bases:read'];

/**
 * An access token the honest way: authorize with PKCE, allow on the consent screen, exchange the code.
 * The client must be registered with the sandbox (its first redirect URI is used).
 */
export async function sandboxAccessToken(sandbox: AirtableSandbox | SandboxAddress, request: SandboxTokenRequest = {}): Promise<string> {
  return (await sandboxTokens(sandbox, request)).access_token;
}

/** The same login as `sandboxAccessToken`, answering both tokens and their lifetimes. */
export async function sandboxTokens(sandbox: AirtableSandbox | SandboxAddress, request: SandboxTokenRequest = {}): Promise<SandboxTokens> {
  const clients = 'options' in sandbox ? sandbox.options.clients : sandbox.clients;
  const client = request.clientId ? clients.find((c) => c.clientId === request.clientId) : clients[0];
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
  const page = await consent.text();
  const requestId = /name="request" value="([^"]+)"/.exec(page)?.[1];
  if (consent.status !== 200 || !requestId) throw new Error(`The consent screen did not show (status ${consent.status})`);

  const form = new URLSearchParams({ request: requestId, decision: 'allow' });
  const offered = [...page.matchAll(/name="base" value="([^"]+)"/g)].map((match) => match[1]);
  for (const baseId of request.baseIds ?? offered) form.append('base', baseId);
  const decided = await fetch(new URL('/oauth2/v1/authorize', sandbox.url), { method: 'POST', body: form, redirect: 'manual' });
  const code = new URL(decided.headers.get('location') ?? 'http://none.invalid').searchParams.get('code');
  if (!code) throw new Error(`The consent did not redirect with a code (status ${decided.status})`);

  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
  if (client.clientSecret) headers.authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  else body.set('client_id', client.clientId);
  const token = await fetch(new URL('/oauth2/v1/token', sandbox.url), { method: 'POST', headers, body });
  const tokens = (await token.json()) as Partial<SandboxTokens>;
  if (token.status !== 200 || !tokens.access_token) throw new Error(`The token exchange failed (status ${token.status})`);
  return tokens as SandboxTokens;
}
