import { AppError, ErrorCode } from '../common/app-error';
import type { AppEvent } from '../events/outbox.store';
import type { NewSession } from '../sessions/session.store';
import type { Connection, StoredConnection } from './connection';
import { withOpenedTokens } from './sealed-tokens';
import type { TokenCipher } from './token-cipher';

export type { Connection, StoredConnection } from './connection';

/** Connection ids are random base64url tokens; anything else names none. */
export const CONNECTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What is stored in the same transaction as a change of a connection: the change and its effects are
 * stored together or not at all (a crash in between loses no event and leaves no half login).
 */
export interface ConnectionEffects {
  /** The event telling of the change; absent when events are off. */
  event?: AppEvent;
  /** A session to start for the connection, and the browser's previous one to end (a login). */
  session?: NewSession;
  endSessionHash?: string;
  /** The connect link whose login made the connection: used up now, and it remembers the connection. */
  linkHash?: string;
}

/** Where connections live (SQL: SQLite or PostgreSQL). Tokens are encrypted at rest. */
export abstract class ConnectionStore {
  constructor(protected readonly cipher: TokenCipher) {}

  /**
   * Stores a new connection (its id is fresh and random). A second connection of the same end user and
   * Airtable account (two links completed at once) fails with a StoreQueryError whose uniqueViolation is true.
   */
  abstract create(connection: Connection, effects?: ConnectionEffects): Promise<void>;
  /**
   * Writes a stored connection again, only if it still exists at the version it was read at: a refresh
   * that finishes after the user signed out, or after a revoke, must not bring the old state back.
   * Returns whether it was written.
   */
  abstract update(connection: Connection, effects?: ConnectionEffects): Promise<boolean>;
  /**
   * Deletes the connection and its sessions; its Airtable webhooks are left to be deleted at Airtable
   * (`WebhookTeardowns`). Returns whether it existed.
   */
  abstract delete(id: string, effects?: ConnectionEffects): Promise<boolean>;
  /** Up to `limit` connections in id order after `afterId` (of one end user if named), tokens left out. */
  abstract list(limit: number, afterId?: string, endUserId?: string): Promise<Connection[]>;
  /** The connection an end user already has for this Airtable user, which connecting again renews. */
  abstract findOwned(endUserId: string, airtableUserId: string): Promise<Connection | undefined>;
  protected abstract read(id: string): Promise<StoredConnection | undefined>;

  /** The stored connection a caller names by id; connection_not_found for a malformed or unknown id. */
  async found(id: string): Promise<StoredConnection> {
    const stored = CONNECTION_ID.test(id) ? await this.read(id) : undefined;
    if (!stored) throw new AppError(ErrorCode.ConnectionNotFound);
    return stored;
  }

  /** With its tokens, for calls to Airtable. Tokens that fail to decrypt come back as reauth_required. */
  async get(id: string): Promise<Connection | undefined> {
    const stored = await this.read(id);
    return stored && this.open(stored);
  }

  /**
   * Who it is and whether it is active, its tokens still sealed: what every request loads, once. The
   * call that needs the tokens opens them (`open`) without reading the store again.
   */
  load(id: string): Promise<StoredConnection | undefined> {
    return this.read(id);
  }

  open(stored: StoredConnection): Connection {
    return withOpenedTokens(this.cipher, stored.connection, stored.sealedTokens);
  }

  /** Active connections whose refresh token expires before `before`, soonest first. */
  abstract dueForKeepAlive(before: number, limit: number): Promise<string[]>;
}
