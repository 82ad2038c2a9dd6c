import { Inject, Injectable } from '@nestjs/common';
import { AirtableApiClient } from '../airtable/airtable-api.client';
import { AirtableOAuthClient } from '../airtable/airtable-oauth.client';
import { AppError, ErrorCode } from '../common/app-error';
import { randomToken } from '../common/random';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { type Connection, ConnectionStore } from '../connections/connection.store';
import { EventsService } from '../events/events.service';
import { SessionService } from '../sessions/session.service';
import { BrowserBinding } from './browser-binding';
import { parseCallback } from './callback-params';
import { type PendingAuthRequest, PendingAuthStore } from './pending-auth.store';
import { ConnectLinkStore } from '../connect/connect-link.store';
import { s256CodeChallenge } from './pkce';
import { safeReturnTo } from './return-to';

export interface LoginStart {
  authorizeUrl: string;
  /** The signed browser-binding cookie value; the browser's own when it has one, so parallel tabs all work. */
  bindingCookie: string;
}

/** A sign-in here starts a session; a login from a connect link gives its end user's app the connection. */
export type LoginResult =
  | { kind: 'session'; sessionId: string; returnTo: string }
  | { kind: 'connected'; connectionId: string; returnUrl?: string };

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
    private readonly links: ConnectLinkStore,
    private readonly events: EventsService,
    @Inject(airtableConfig.KEY) private readonly airtable: AirtableConfig,
  ) {}

  startLogin(bindingCookie: string | undefined, returnTo: string | undefined): Promise<LoginStart> {
    return this.begin(bindingCookie, { returnTo: safeReturnTo(returnTo) });
  }

  /** Opens a connect link (once) and starts its login: the connection will belong to the link's end user. */
  async startConnect(bindingCookie: string | undefined, token: string): Promise<LoginStart> {
    const opened = /^[A-Za-z0-9_-]{43}$/.test(token) ? await this.links.open(token) : undefined;
    if (!opened) throw new AppError(ErrorCode.InvalidConnectLink);
    return this.begin(bindingCookie, { returnTo: '/', connectLink: opened.tokenHash });
  }

  private async begin(bindingCookie: string | undefined, target: Pick<PendingAuthRequest, 'returnTo' | 'connectLink'>): Promise<LoginStart> {
    const binding = this.binding.issue(bindingCookie);
    const state = randomToken();
    // 43 base64url characters: within Airtable's 43-128 and free of the `~` it rejects.
    const codeVerifier = randomToken();
    await this.pending.save(state, { codeVerifier, bindingHash: this.binding.hash(binding.nonce), ...target });
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
    const granted = { userId: user.id, ...(user.email ? { email: user.email } : {}), scopes: tokens.scopes, status: 'active' as const, tokens, updatedAt: now };
    if (request.connectLink) {
      const link = await this.links.read(request.connectLink);
      if (!link) throw new AppError(ErrorCode.InvalidConnectLink);
      // Connecting the same Airtable account again renews the end user's connection instead of adding one.
      const connected = (connectionId: string): LoginResult => ({ kind: 'connected', connectionId, ...(link.returnUrl ? { returnUrl: link.returnUrl } : {}) });
      const existing = await this.connections.findOwned(link.endUserId, user.id);
      const renewed = existing && { ...existing, ...granted, email: user.email };
      if (renewed && (await this.connections.update(renewed))) {
        await this.events.connection('connection.updated', renewed);
        return connected(renewed.id);
      }
      const connectionId = randomToken();
      await this.created({ id: connectionId, ...granted, createdAt: now, endUserId: link.endUserId });
      return connected(connectionId);
    }
    const connectionId = randomToken();
    await this.created({ id: connectionId, ...granted, createdAt: now });
    return { kind: 'session', sessionId: await this.sessions.start(connectionId, previousSessionId), returnTo: request.returnTo };
  }

  private async created(connection: Connection): Promise<void> {
    await this.connections.create(connection);
    await this.events.connection('connection.created', connection);
  }
}
