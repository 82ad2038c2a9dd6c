import { createHash } from 'node:crypto';
import { authenticateClient, parseBasic, type BasicCredentials } from './sandbox-client-auth';
import type { Grant, GrantStore } from './sandbox-grants';
import { json, type SandboxRequest, type SandboxResponse } from './sandbox-http';
import type { SandboxRecorder } from './sandbox-recorder';
import type { SandboxClient, SandboxOptions } from './sandbox.options';

// Airtable rejects `~` although RFC 7636 allows it.
const VERIFIER_PATTERN = /^[A-Za-z0-9._-]{43,128}$/;

function oauthError(status: number, error: string, description: string): SandboxResponse {
  return json(status, { error, error_description: description }, { 'cache-control': 'no-store' });
}

/** Airtable's `/oauth2/v1/token`: client authentication, then the authorization_code or refresh_token grant. */
export class SandboxTokenEndpoint {
  constructor(
    private readonly options: SandboxOptions,
    private readonly grants: GrantStore,
    private readonly recorder: Pick<SandboxRecorder, 'recordTokenRequest'>,
  ) {}

  token(req: SandboxRequest): SandboxResponse {
    const params = new URLSearchParams(req.body);
    const basic = parseBasic(req.headers.authorization);
    const response = this.tokenResponse(req, params, basic);
    this.recorder.recordTokenRequest({
      grantType: params.get('grant_type') ?? undefined,
      basicAuth: basic !== undefined,
      ...(basic ? { basicUser: basic.rawClientId } : {}),
      ...(params.has('code_verifier') ? { codeVerifier: params.get('code_verifier')! } : {}),
      bodyClientId: params.get('client_id') ?? undefined,
      status: response.status,
    });
    return response;
  }

  private tokenResponse(req: SandboxRequest, params: URLSearchParams, basic: BasicCredentials | undefined): SandboxResponse {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
      return oauthError(400, 'invalid_request', 'Body must be application/x-www-form-urlencoded.');
    }
    const names = [...params.keys()];
    if (new Set(names).size !== names.length) return oauthError(400, 'invalid_request', 'A parameter was repeated.');

    const client = authenticateClient(this.options.clients, params, basic, req.headers.authorization);
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
    const now = this.options.clock.now();
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
