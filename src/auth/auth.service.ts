import { Inject, Injectable } from '@nestjs/common';
import { AirtableApiClient } from '../airtable/airtable-api.client';
import { AirtableOAuthClient } from '../airtable/airtable-oauth.client';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import { RANDOM_TOKEN_PATTERN, randomToken, sha256Hex } from '../common/random';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { type Connection, ConnectionStore } from '../connections/connection.store';
import { EventsService } from '../events/events.service';
import { SessionService } from '../sessions/session.service';
import { BrowserBinding } from './browser-binding';
import { parseCallback } from './callback-params';
import { type PendingAuthRequest, PendingAuthStore } from './pending-auth.store';
import { type ConnectLink, ConnectLinkStore } from '../connect/connect-link.store';
import { s256CodeChallenge } from './pkce';
import { StoreQueryError, storeUnavailable } from '../storage/store-unavailable';
import { safeReturnTo } from './return-to';

export interface LoginStart {
  authorizeUrl: string;
  /** The signed browser-binding cookie value; the browser's own when it has one, so parallel tabs all work. */
  bindingCookie: string;
}

/** A sign-in here starts a session; a login from a connect link gives its end user's app the connection. */
export type LoginResult =
  | { kind: 'session'; sessionId: string; returnTo: string }
  | { kind: 'connected'; connectionId: string; returnUrl?: string }
  /** A connect link's consent was declined: back to the app (told so) or to the link's page, to try again. */
  | { kind: 'declined'; connectToken: string; returnUrl?: string };

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
    private readonly clock: Clock,
  ) {}

  startLogin(bindingCookie: string | undefined, returnTo: string | undefined): Promise<LoginStart> {
    return this.begin(bindingCookie, { returnTo: safeReturnTo(returnTo) });
  }

  /**
   * Starts the login of a connect link that is still usable. Nothing is used up here: the link is used
   * up when its login stores a connection, so a preview or an abandoned consent leaves it working.
   */
  async startConnect(bindingCookie: string | undefined, token: string): Promise<LoginStart> {
    const { tokenHash } = await this.usableLink(token);
    return this.begin(bindingCookie, { returnTo: '/', connectLink: tokenHash, connectToken: token });
  }

  /** The connect link behind a token while it can start a login; otherwise why not: unknown, expired or used. */
  async usableLink(token: string): Promise<{ link: ConnectLink; tokenHash: string }> {
    if (!RANDOM_TOKEN_PATTERN.test(token)) throw new AppError(ErrorCode.InvalidConnectLink);
    const usable = await this.links.usable(token);
    if (usable) return usable;
    const known = await this.links.read(sha256Hex(token));
    throw new AppError(!known ? ErrorCode.InvalidConnectLink : known.connectionId ? ErrorCode.ConnectLinkUsed : ErrorCode.ConnectLinkExpired);
  }

  private async begin(bindingCookie: string | undefined, target: Pick<PendingAuthRequest, 'returnTo' | 'connectLink' | 'connectToken'>): Promise<LoginStart> {
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
    if (callback.kind === 'error') return this.notGranted(callback.error, request);
    try {
      const tokens = await this.oauth.exchangeCode(callback.params, callback.state, request.codeVerifier);
      const user = await this.api.whoami(tokens.accessToken);
      const now = this.clock.now();
      const granted = { userId: user.id, email: user.email, scopes: tokens.scopes, status: 'active' as const, tokens, updatedAt: now };
      if (request.connectLink) return await this.connect(request.connectLink, granted, now);
      // The connection, the browser's new session (its old one ended) and the event: one transaction.
      const connection: Connection = { id: randomToken(), ...granted, createdAt: now };
      const { session, endSessionHash } = this.sessions.issue(previousSessionId);
      await this.connections.create(connection, { event: this.events.connection('connection.created', connection), session, endSessionHash });
      return { kind: 'session', sessionId: session.id, returnTo: request.returnTo };
    } catch (error) {
      throw withRetryUrl(error, request);
    }
  }

  /**
   * Airtable's answer when the consent did not end in a grant. A sign-in may start again at the login;
   * a connect link's login goes back to the link, which stays usable: a declined consent to the app
   * (told so) or to the link's page, other errors offer the link's page. Never to this service's own
   * sign-in, which would give the person a connection that belongs to no end user.
   */
  private async notGranted(error: string, request: PendingAuthRequest): Promise<LoginResult> {
    // Airtable's error_description is never shown: it is for developers and could carry markup.
    const code = error === 'access_denied' ? ErrorCode.AccessDenied : ErrorCode.AuthorizationFailed;
    if (!request.connectLink) throw new AppError(code, { details: { retryUrl: '/auth/login' } });
    const link = await this.links.read(request.connectLink);
    if (!link) throw new AppError(ErrorCode.InvalidConnectLink);
    const { connectToken } = request;
    // Without its token (a login started before tokens were kept) the way back is unknown.
    if (!connectToken) throw new AppError(code);
    if (code === ErrorCode.AccessDenied) return { kind: 'declined', connectToken, ...(link.returnUrl ? { returnUrl: link.returnUrl } : {}) };
    throw new AppError(code, { details: { retryUrl: `/connect/${connectToken}` } });
  }

  /**
   * The end of a connect link's login: the end user's connection for this Airtable account, renewed if
   * it exists (connecting again adds none), stored with its event and the link used up in one
   * transaction. Two logins of one end user and account that finish at once (two links, two instances)
   * race for the same unique key: the one that loses renews the connection the other made. A login
   * through a link that already made a connection (another browser started it too) may only renew
   * that one (the store refuses another with connect_link_used).
   */
  private async connect(linkHash: string, granted: Omit<Connection, 'id' | 'createdAt'>, now: number): Promise<LoginResult> {
    const link = await this.links.read(linkHash);
    if (!link) throw new AppError(ErrorCode.InvalidConnectLink);
    const connected = (connectionId: string): LoginResult => ({ kind: 'connected', connectionId, ...(link.returnUrl ? { returnUrl: link.returnUrl } : {}) });
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.connections.findOwned(link.endUserId, granted.userId);
      if (existing) {
        const renewed: Connection = { ...existing, ...granted };
        if (await this.connections.update(renewed, { event: this.events.connection('connection.updated', renewed), linkHash })) return connected(renewed.id);
        continue; // changed or deleted since it was read: look again
      }
      const created: Connection = { id: randomToken(), ...granted, createdAt: now, endUserId: link.endUserId };
      try {
        await this.connections.create(created, { event: this.events.connection('connection.created', created), linkHash });
        return connected(created.id);
      } catch (error) {
        if (!(error instanceof StoreQueryError && error.uniqueViolation)) throw error;
      }
    }
    throw storeUnavailable('the connection kept changing while it was stored');
  }
}

/**
 * A login that failed after its consent may start again: a sign-in at the login, a connect link's at
 * the link's page (never this service's own sign-in, whose connection would belong to no end user).
 */
function withRetryUrl(error: unknown, request: PendingAuthRequest): unknown {
  if (!(error instanceof AppError) || error.details?.retryUrl || error.code === ErrorCode.ConnectLinkUsed) return error;
  const retryUrl = request.connectLink ? request.connectToken && `/connect/${request.connectToken}` : '/auth/login';
  if (!retryUrl) return error;
  return new AppError(error.code, {
    message: error.message, cause: error.cause, retryAfterSeconds: error.retryAfterSeconds, details: { ...error.details, retryUrl },
  });
}
