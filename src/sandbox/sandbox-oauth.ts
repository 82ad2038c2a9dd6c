import { createHash, randomBytes } from 'node:crypto';
import { consentPage, sandboxErrorPage } from './consent.page';
import type { SandboxBase, SandboxUser } from './sandbox-data';
import type { Grant, GrantStore } from './sandbox-grants';
import { MAX_RECORDED, REPEATED, htmlPage, json, redirectTo, single, type SandboxRequest, type SandboxResponse } from './sandbox-http';
import type { SandboxClient, SandboxOptions } from './sandbox.options';

interface PendingConsent {
  client: SandboxClient;
  redirectUri: string;
  state: string;
  scopes: string[];
  codeChallenge: string;
  expiresAt: number;
}

/** What the token endpoint saw, so tests can assert how the service authenticated. */
export interface TokenRequestRecord {
  grantType: string | undefined;
  basicAuth: boolean;
  /** The user part of Basic credentials exactly as sent, before any form-decoding. */
  basicUser?: string;
  /** The PKCE verifier sent, so tests can check it never shows up anywhere else. */
  codeVerifier?: string;
  bodyClientId: string | undefined;
  status: number;
}

const STATE_PATTERN = /^[A-Za-z0-9._-]{16,1024}$/;
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// Airtable rejects `~` although RFC 7636 allows it.
const VERIFIER_PATTERN = /^[A-Za-z0-9._-]{43,128}$/;

function oauthError(status: number, error: string, description: string): SandboxResponse {
  return json(status, { error, error_description: description }, { 'cache-control': 'no-store' });
}

/** Airtable's OAuth endpoints: authorize with a consent screen, and the token endpoint. */
export class SandboxOAuth {
  private readonly consents = new Map<string, PendingConsent>();
  readonly tokenRequests: TokenRequestRecord[] = [];

  constructor(
    private readonly options: SandboxOptions,
    private readonly grants: GrantStore,
    private readonly user: SandboxUser,
    private readonly bases: SandboxBase[],
  ) {}

  authorize(query: URLSearchParams): SandboxResponse {
    const clientId = single(query, 'client_id');
    const client = this.options.clients.find((c) => c.clientId === clientId);
    if (!client) return htmlPage(400, sandboxErrorPage('Unknown or missing client_id.'));
    const redirectUri = single(query, 'redirect_uri');
    if (typeof redirectUri !== 'string' || !client.redirectUris.includes(redirectUri)) {
      return htmlPage(400, sandboxErrorPage('redirect_uri does not match a registered redirect URI.'));
    }
    const state = single(query, 'state');
    const fail = (error: string, description: string) =>
      redirectTo(redirectUri, {
        error,
        error_description: description,
        ...(typeof state === 'string' ? { state } : {}),
      });

    for (const name of ['response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method']) {
      if (single(query, name) === REPEATED) return fail('invalid_request', `Parameter ${name} was repeated.`);
    }
    const responseType = query.get('response_type');
    if (!responseType) return fail('invalid_request', 'Missing response_type.');
    if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');

    const scopes = (query.get('scope') ?? '').split(' ');
    if (scopes.some((s) => s === '')) return fail('invalid_scope', 'Scope is empty or malformed.');
    if (new Set(scopes).size !== scopes.length) return fail('invalid_scope', 'Scope contains duplicates.');
    if (scopes.some((s) => !client.scopes.includes(s))) return fail('invalid_scope', 'Scope is not enabled for this integration.');

    if (typeof state !== 'string' || !STATE_PATTERN.test(state)) return fail('invalid_request', 'Missing or malformed state.');
    const codeChallenge = query.get('code_challenge');
    if (!codeChallenge || !CHALLENGE_PATTERN.test(codeChallenge)) {
      return fail('invalid_request', 'Missing or malformed code_challenge.');
    }
    if (query.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');

    const requestId = randomBytes(24).toString('base64url');
    this.consents.set(requestId, {
      client,
      redirectUri,
      state,
      scopes,
      codeChallenge,
      expiresAt: Date.now() + this.options.consentTtlMs,
    });
    return htmlPage(200, consentPage(requestId, client.clientId, this.user, scopes, this.bases));
  }

  /** The consent form's answer: back to the client with a code, or with access_denied. */
  decide(form: URLSearchParams): SandboxResponse {
    const requestId = form.get('request') ?? '';
    const consent = this.consents.get(requestId);
    this.consents.delete(requestId);
    if (!consent || consent.expiresAt <= Date.now()) {
      return htmlPage(400, sandboxErrorPage('This authorization request has expired. Start again from the app.'));
    }
    if (form.get('decision') !== 'allow') {
      return redirectTo(consent.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied access.',
        state: consent.state,
      });
    }
    const known = new Set(this.bases.map((b) => b.id));
    const code = this.grants.issueCode({
      clientId: consent.client.clientId,
      redirectUri: consent.redirectUri,
      codeChallenge: consent.codeChallenge,
      userId: this.user.id,
      scopes: consent.scopes,
      baseIds: form.getAll('base').filter((id) => known.has(id)),
    });
    return redirectTo(consent.redirectUri, { code, state: consent.state });
  }

  token(req: SandboxRequest): SandboxResponse {
    const params = new URLSearchParams(req.body);
    const basic = parseBasic(req.headers.authorization);
    const response = this.tokenResponse(req, params, basic);
    this.tokenRequests.push({
      grantType: params.get('grant_type') ?? undefined,
      basicAuth: basic !== undefined,
      ...(basic ? { basicUser: basic.rawClientId } : {}),
      ...(params.has('code_verifier') ? { codeVerifier: params.get('code_verifier')! } : {}),
      bodyClientId: params.get('client_id') ?? undefined,
      status: response.status,
    });
    if (this.tokenRequests.length > MAX_RECORDED) this.tokenRequests.shift();
    return response;
  }

  private tokenResponse(req: SandboxRequest, params: URLSearchParams, basic: Basic | undefined): SandboxResponse {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
      return oauthError(400, 'invalid_request', 'Body must be application/x-www-form-urlencoded.');
    }
    const names = [...params.keys()];
    if (new Set(names).size !== names.length) return oauthError(400, 'invalid_request', 'A parameter was repeated.');

    const client = this.authenticate(params, basic, req.headers.authorization);
    if (!client) return oauthError(401, 'invalid_client', 'Client authentication failed.');

    switch (params.get('grant_type')) {
      case 'authorization_code':
        return this.exchangeCode(client, params);
      case 'refresh_token':
        return this.refresh(client, params);
      case null:
        return oauthError(400, 'invalid_request', 'Missing grant_type.');
      default:
        return oauthError(400, 'unsupported_grant_type', 'Unsupported grant_type.');
    }
  }

  /** Basic auth is required when the client has a secret and forbidden when it has none. */
  private authenticate(params: URLSearchParams, basic: Basic | undefined, header: string | undefined): SandboxClient | undefined {
    const bodyClientId = params.get('client_id');
    if (header !== undefined) {
      const client = this.options.clients.find((c) => c.clientId === basic?.clientId);
      if (!basic || !client?.clientSecret || client.clientSecret !== basic.secret) return undefined;
      if (bodyClientId !== null && bodyClientId !== client.clientId) return undefined;
      return client;
    }
    const client = this.options.clients.find((c) => c.clientId === bodyClientId);
    return client && !client.clientSecret ? client : undefined;
  }

  private exchangeCode(client: SandboxClient, params: URLSearchParams): SandboxResponse {
    const codeValue = params.get('code');
    if (!codeValue) return oauthError(400, 'invalid_request', 'Missing code.');
    const code = this.grants.takeCode(codeValue);
    const verifier = params.get('code_verifier');
    const redirectUri = params.get('redirect_uri');
    if (!verifier || !redirectUri) return oauthError(400, 'invalid_request', 'Missing code_verifier or redirect_uri.');
    if (!VERIFIER_PATTERN.test(verifier)) return oauthError(400, 'invalid_request', 'Malformed code_verifier.');
    if (!code) return oauthError(400, 'invalid_grant', 'The code is invalid, expired or already used.');
    if (code.clientId !== client.clientId) return oauthError(400, 'invalid_grant', 'The code was issued to another client.');
    if (code.redirectUri !== redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri does not match.');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (challenge !== code.codeChallenge) return oauthError(400, 'invalid_grant', 'code_verifier does not match.');
    return this.tokens(this.grants.createGrant(code));
  }

  private refresh(client: SandboxClient, params: URLSearchParams): SandboxResponse {
    const refreshToken = params.get('refresh_token');
    if (!refreshToken) return oauthError(400, 'invalid_request', 'Missing refresh_token.');
    const scope = params.get('scope');
    const outcome = this.grants.refresh(refreshToken, client.clientId, scope === null ? undefined : scope.split(' '));
    switch (outcome.kind) {
      case 'rotated':
        return this.tokens(outcome.grant);
      // The body of Airtable's 409 is undocumented; this one follows the OAuth error shape.
      case 'duplicate':
        return oauthError(409, 'conflict', 'This refresh token is being refreshed already.');
      case 'invalid_scope':
        return oauthError(400, 'invalid_scope', 'The scope is not a subset of the granted scopes.');
      default:
        return oauthError(400, 'invalid_grant', 'The refresh token is invalid, expired or already used.');
    }
  }

  private tokens(grant: Grant): SandboxResponse {
    const now = Date.now();
    return json(
      200,
      {
        access_token: grant.accessToken,
        refresh_token: grant.refreshToken,
        token_type: 'Bearer',
        scope: grant.scopes.join(' '),
        expires_in: Math.round((grant.accessExpiresAt - now) / 1000),
        refresh_expires_in: Math.round((grant.refreshExpiresAt - now) / 1000),
      },
      { 'cache-control': 'no-store' },
    );
  }
}

interface Basic {
  clientId: string;
  rawClientId: string;
  secret: string;
}

/** Raw `id:secret` as Airtable documents, or form-encoded parts (RFC 6749 2.3.1): both decode the same. */
function parseBasic(header: string | undefined): Basic | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    const rawClientId = decoded.slice(0, colon);
    return { clientId: formDecode(rawClientId), rawClientId, secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}
