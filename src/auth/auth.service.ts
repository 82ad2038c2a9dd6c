import { Inject, Injectable } from '@nestjs/common';
import { AirtableApiClient } from '../airtable/airtable-api.client';
import { AirtableOAuthClient } from '../airtable/airtable-oauth.client';
import { AppError, ErrorCode } from '../common/app-error';
import { randomToken } from '../common/random';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { ConnectionStore } from '../connections/connection.store';
import { SessionService } from '../sessions/session.service';
import { BrowserBinding } from './browser-binding';
import { parseCallback } from './callback-params';
import { PendingAuthStore } from './pending-auth.store';
import { s256CodeChallenge } from './pkce';
import { safeReturnTo } from './return-to';

export interface LoginStart {
  authorizeUrl: string;
  /** The signed browser-binding cookie value; the browser's own when it has one, so parallel tabs all work. */
  bindingCookie: string;
}

export interface LoginResult {
  /** The new session's id, for the cookie. */
  sessionId: string;
  returnTo: string;
}

/** The authorization code flow with PKCE: starting a login and finishing it from the callback. */
@Injectable()
export class AuthService {
  constructor(
    private readonly pending: PendingAuthStore,
    private readonly oauth: AirtableOAuthClient,
    private readonly api: AirtableApiClient,
    private readonly connections: ConnectionStore,
    private readonly binding: BrowserBinding,
    private readonly sessions: SessionService,
    @Inject(airtableConfig.KEY) private readonly airtable: AirtableConfig,
  ) {}

  async startLogin(bindingCookie: string | undefined, returnTo: string | undefined): Promise<LoginStart> {
    const binding = this.binding.issue(bindingCookie);
    const state = randomToken();
    // 43 base64url characters: within Airtable's 43-128 and free of the `~` it rejects.
    const codeVerifier = randomToken();
    await this.pending.save(state, {
      codeVerifier,
      bindingHash: this.binding.hash(binding.nonce),
      returnTo: safeReturnTo(returnTo),
    });
    return { authorizeUrl: this.oauth.authorizationUrl(state, s256CodeChallenge(codeVerifier)), bindingCookie: binding.cookie };
  }

  /**
   * Finishes a login from its callback: the pending login taken (by its browser only), the code
   * exchanged, the user named, the connection stored and a new session started in place of the
   * browser's old one.
   */
  async completeLogin(rawQuery: string, bindingCookie: string | undefined, previousSessionId: string | undefined): Promise<LoginResult> {
    const callback = parseCallback(rawQuery, this.airtable.issuer);
    const nonce = this.binding.nonceOf(bindingCookie);
    const request = await this.pending.take(callback.state, nonce ? this.binding.hash(nonce) : '');
    if (callback.kind === 'error') {
      // Airtable's error_description is never shown: it is for developers and could carry markup.
      throw callback.error === 'access_denied'
        ? new AppError(ErrorCode.AccessDenied)
        : new AppError(ErrorCode.AuthorizationFailed);
    }
    const tokens = await this.oauth.exchangeCode(callback.params, callback.state, request.codeVerifier);
    const user = await this.api.whoami(tokens.accessToken);
    const now = Date.now();
    const connectionId = randomToken();
    await this.connections.create({
      id: connectionId,
      userId: user.id,
      ...(user.email ? { email: user.email } : {}),
      scopes: tokens.scopes,
      status: 'active',
      tokens,
      createdAt: now,
      updatedAt: now,
    });
    return { sessionId: await this.sessions.start(connectionId, previousSessionId), returnTo: request.returnTo };
  }
}
