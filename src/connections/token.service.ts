import { Inject, Injectable, Logger } from '@nestjs/common';
import { AirtableOAuthClient } from '../airtable/airtable-oauth.client';
import type { TokenSet } from '../airtable/token-set';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import { DistributedLock } from '../common/distributed-lock';
import { SingleFlight } from '../common/single-flight';
import { tokensConfig, type TokensConfig } from '../config/tokens.config';
import { type Connection, ConnectionStore, type StoredConnection } from './connection.store';
import { EventsService } from '../events/events.service';
import { Metrics } from '../metrics/metrics';

/** A connection with tokens to use, or reauth_required for every caller. */
function usable(connection: Connection | undefined): Connection & { tokens: TokenSet } {
  if (!connection || connection.status !== 'active' || !connection.tokens) throw new AppError(ErrorCode.ReauthRequired);
  return connection as Connection & { tokens: TokenSet };
}

const isReauth = (error: unknown) => error instanceof AppError && error.code === ErrorCode.ReauthRequired;

/**
 * Access tokens that are valid when used. Airtable rotates both tokens at every refresh and kills the
 * old ones at once, so two refreshes of one connection at the same time log its user out: here every
 * refresh of a connection runs alone, across all instances (callers wait for the one in flight), and it
 * reads the stored tokens again before deciding anything, because someone may have refreshed already.
 */
@Injectable()
export class TokenService {
  private readonly flights = new SingleFlight();
  private readonly logger = new Logger(TokenService.name);

  constructor(
    private readonly store: ConnectionStore,
    private readonly oauth: AirtableOAuthClient,
    private readonly lock: DistributedLock,
    private readonly clock: Clock,
    @Inject(tokensConfig.KEY) private readonly config: TokensConfig,
    private readonly events: EventsService,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Runs an Airtable call with a valid access token of the connection the request loaded. A token
   * near expiry is refreshed first; a 401 for a token believed valid triggers one refresh and one
   * retry, never more.
   */
  async withAccessToken<T>(connection: StoredConnection, call: (accessToken: string) => Promise<T>): Promise<T> {
    const { id, tokens } = usable(this.store.open(connection));
    const refreshedFirst = this.nearExpiry(tokens);
    const token = refreshedFirst ? await this.refresh(id, tokens.accessToken) : tokens.accessToken;
    if (!refreshedFirst) {
      try {
        return await call(token);
      } catch (error) {
        if (!isReauth(error)) throw error;
      }
    }
    const fresh = refreshedFirst ? token : await this.refresh(id, token);
    try {
      return await call(fresh);
    } catch (error) {
      // Airtable refuses a token it has just issued: the grant is gone (revoked, or the user removed).
      if (isReauth(error)) await this.refusedAfterRefresh(id, fresh);
      throw error;
    }
  }

  /**
   * The connection's tokens with at least `minValidityMs` left (or as much as Airtable gives), for a
   * backend that calls Airtable itself: refreshed first when they have less, once across the fleet.
   */
  async freshTokens(connection: StoredConnection, minValidityMs: number): Promise<TokenSet> {
    const { id, tokens } = usable(this.store.open(connection));
    if (tokens.expiresAt - Math.max(minValidityMs, this.config.refreshMarginMs) > this.clock.now()) return tokens;
    await this.refresh(id, tokens.accessToken);
    return (await this.load(id)).tokens;
  }

  /**
   * Refreshes unless the stored token is no longer `staleToken` (someone refreshed meanwhile). One
   * caller per process gets through SingleFlight, one per fleet through the lock.
   */
  refresh(connectionId: string, staleToken: string): Promise<string> {
    return this.flights.run(connectionId, () =>
      this.lock.withLock(`refresh:${connectionId}`, () => this.refreshAlone(connectionId, staleToken)),
    );
  }

  private async refreshAlone(connectionId: string, staleToken: string): Promise<string> {
    const connection = await this.load(connectionId);
    const { tokens } = connection;
    if (tokens.accessToken !== staleToken && !this.nearExpiry(tokens)) return tokens.accessToken;
    if (!tokens.refreshToken) return this.revoke(connection);
    let fresh: TokenSet;
    try {
      fresh = await this.oauth.refresh(tokens.refreshToken);
    } catch (error) {
      this.metrics.refreshes.inc({ outcome: isReauth(error) ? 'invalid_grant' : error instanceof AppError && error.code === ErrorCode.RefreshConflict ? 'conflict' : 'failed' });
      return this.afterFailedRefresh(connection, error);
    }
    this.metrics.refreshes.inc({ outcome: 'rotated' });
    const next: TokenSet = fresh.refreshToken ? fresh : { ...fresh, refreshToken: tokens.refreshToken, refreshExpiresAt: tokens.refreshExpiresAt };
    // Stored before use: if the process dies now, the rotated refresh token is not lost. A connection
    // deleted meanwhile (its user signed out) stays deleted: the new tokens are dropped.
    const scopes = next.scopes.length ? next.scopes : connection.scopes;
    const stored = await this.store.update({ ...connection, tokens: next, scopes, updatedAt: this.clock.now() });
    // Written only over the version it read: a revoke, a delete or a reconnect meanwhile wins, and
    // whatever it left is what callers get.
    return stored ? next.accessToken : (await this.load(connectionId)).tokens.accessToken;
  }

  /** Marks the connection reauth_required if its stored access token is still the refused one. */
  private async refusedAfterRefresh(connectionId: string, refused: string): Promise<void> {
    await this.lock.withLock(`refresh:${connectionId}`, async () => {
      const connection = await this.store.get(connectionId);
      if (connection?.status !== 'active' || connection.tokens?.accessToken !== refused) return;
      await this.revoke(connection).catch((error: unknown) => {
        // revoke() ends with reauth_required once stored; anything else is the store failing.
        if (!isReauth(error)) this.logger.warn(`Connection ${connectionId} could not be marked reauth_required (${error instanceof AppError ? error.code : 'unexpected error'})`);
      });
    });
  }

  private async afterFailedRefresh(connection: Connection, error: unknown): Promise<string> {
    if (isReauth(error)) return (await this.refreshedMeanwhile(connection)) ?? this.revoke(connection);
    if (error instanceof AppError && error.code === ErrorCode.RefreshConflict) {
      await new Promise((resolve) => setTimeout(resolve, this.config.refreshConflictWaitMs));
      const winner = await this.refreshedMeanwhile(connection);
      if (winner) return winner;
      throw new AppError(ErrorCode.RefreshUnavailable, { message: 'Airtable is renewing access right now. Please try again shortly.', retryAfterSeconds: 1 });
    }
    throw error;
  }

  /** The new access token if another refresh stored one since `before` was read. */
  private async refreshedMeanwhile(before: Connection): Promise<string | undefined> {
    const now = await this.store.get(before.id);
    const tokens = now?.status === 'active' ? now.tokens : undefined;
    // Either token tells: a refresh whose answer carried no new refresh token kept the old one.
    const changed = tokens && (tokens.refreshToken !== before.tokens!.refreshToken || tokens.accessToken !== before.tokens!.accessToken);
    return changed ? tokens.accessToken : undefined;
  }

  /** The grant is gone: drop its tokens and say so to every caller. */
  private async revoke(connection: Connection): Promise<never> {
    const revoked: Connection = { ...connection, status: 'reauth_required', tokens: undefined, updatedAt: this.clock.now() };
    await this.store.update(revoked, { event: this.events.connection('connection.reauth_required', revoked) });
    throw new AppError(ErrorCode.ReauthRequired);
  }

  /** The stored connection as it is now: read again whenever a refresh is decided. */
  private async load(connectionId: string): Promise<Connection & { tokens: TokenSet }> {
    return usable(await this.store.get(connectionId));
  }

  private nearExpiry(tokens: TokenSet): boolean {
    return tokens.expiresAt - this.config.refreshMarginMs <= this.clock.now();
  }
}
