import { Inject, Injectable } from '@nestjs/common';
import * as oauth from 'oauth4webapi';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import type { TokenSet } from './token-set';
import { upstreamFetch } from './upstream-fetch';

/**
 * Airtable's OAuth endpoints, through oauth4webapi. Airtable publishes no discovery document, so the
 * authorization server is described from configuration.
 */
@Injectable()
export class AirtableOAuthClient {
  private readonly server: oauth.AuthorizationServer;
  private readonly client: oauth.Client;
  private readonly clientAuth: oauth.ClientAuth;
  private readonly options: oauth.TokenEndpointRequestOptions;
  /** Everything in the authorize URL that is the same for every login, computed once. */
  private readonly authorizePrefix: string;

  constructor(
    @Inject(airtableConfig.KEY) private readonly config: AirtableConfig,
    private readonly clock: Clock,
  ) {
    this.server = {
      issuer: config.issuer,
      authorization_endpoint: config.authorizeUrl.href,
      token_endpoint: config.tokenUrl.href,
    };
    this.client = { client_id: config.clientId };
    // A secret means HTTP Basic is required; without one it is forbidden and client_id goes in the body.
    this.clientAuth = config.clientSecret ? airtableBasicAuth(config.clientSecret) : oauth.None();
    this.options = {
      // Configuration only allows http:// for loopback hosts (the local sandbox).
      [oauth.allowInsecureRequests]: config.tokenUrl.protocol === 'http:',
      [oauth.customFetch]: (url, init) => upstreamFetch(url, init as RequestInit, config),
    };
    const fixed = new URLSearchParams({
      client_id: config.clientId,
      redirect_uri: config.redirectUri.href,
      response_type: 'code',
      scope: config.scopes,
      code_challenge_method: 'S256',
    });
    const url = new URL(config.authorizeUrl);
    url.search = '';
    this.authorizePrefix = `${url.href}?${fixed.toString()}`;
  }

  authorizationUrl(state: string, codeChallenge: string): string {
    return `${this.authorizePrefix}&state=${state}&code_challenge=${codeChallenge}`;
  }

  /** Exchanges the callback's code; `callback` must already be checked (state, binding, iss). */
  async exchangeCode(callback: URLSearchParams, expectedState: string, codeVerifier: string): Promise<TokenSet> {
    try {
      const params = oauth.validateAuthResponse(this.server, this.client, callback, expectedState);
      const response = await oauth.authorizationCodeGrantRequest(
        this.server,
        this.client,
        this.clientAuth,
        params,
        this.config.redirectUri.href,
        codeVerifier,
        this.options,
      );
      const receivedAt = this.clock.now();
      return toTokenSet(await oauth.processAuthorizationCodeResponse(this.server, this.client, response), receivedAt);
    } catch (error) {
      throw exchangeError(error);
    }
  }

  /**
   * Trades a refresh token for new tokens (Airtable rotates both). Fails with reauth_required when the
   * grant is gone (invalid_grant), refresh_conflict on Airtable's 409 (another refresh of this token
   * won), and refresh_unavailable for anything else: then the stored tokens are still good.
   */
  async refresh(refreshToken: string): Promise<TokenSet> {
    try {
      const response = await oauth.refreshTokenGrantRequest(this.server, this.client, this.clientAuth, refreshToken, this.options);
      const receivedAt = this.clock.now();
      if (response.status === 409) {
        throw new AppError(ErrorCode.RefreshConflict);
      }
      return toTokenSet(await oauth.processRefreshTokenResponse(this.server, this.client, response), receivedAt);
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.RefreshConflict) throw error;
      if (error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant') {
        throw new AppError(ErrorCode.ReauthRequired);
      }
      throw new AppError(ErrorCode.RefreshUnavailable, {
        cause: error instanceof Error ? error.name : undefined,
        retryAfterSeconds: 5,
      });
    }
  }
}

/**
 * HTTP Basic as Airtable documents it: base64 of the raw `client_id:client_secret`. oauth4webapi's
 * ClientSecretBasic form-encodes both first (RFC 6749 2.3.1), turning the `-` of Airtable's ids into
 * `%2D`; raw is what Airtable's own example sends, and decodes the same on a server that form-decodes.
 */
function airtableBasicAuth(clientSecret: string): oauth.ClientAuth {
  return (_server, client, _body, headers) => {
    headers.set('authorization', `Basic ${Buffer.from(`${client.client_id}:${clientSecret}`).toString('base64')}`);
  };
}

function exchangeError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof oauth.ResponseBodyError && error.status < 500) {
    return new AppError(ErrorCode.TokenExchangeFailed, { cause: error.error });
  }
  return new AppError(ErrorCode.UpstreamError, {
    message: "Airtable's token endpoint sent an invalid response.",
    cause: error instanceof Error ? error.name : undefined,
  });
}

/** oauth4webapi checked the JSON object and the access_token; Airtable's contract needs more. */
function toTokenSet(body: oauth.TokenEndpointResponse, receivedAt: number): TokenSet {
  const invalid = () => new AppError(ErrorCode.UpstreamError, { message: "Airtable's token endpoint sent an invalid response." });
  if (body.token_type !== 'bearer') throw invalid();
  if (typeof body.expires_in !== 'number' || body.expires_in <= 0) throw invalid();
  const refreshExpiresIn = body.refresh_expires_in;
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    scopes: body.scope ? body.scope.split(' ') : [],
    expiresAt: receivedAt + body.expires_in * 1000,
    refreshExpiresAt: typeof refreshExpiresIn === 'number' ? receivedAt + refreshExpiresIn * 1000 : undefined,
  };
}
