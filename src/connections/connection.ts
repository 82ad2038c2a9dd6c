import type { TokenSet } from '../airtable/token-set';

/**
 * One Airtable grant: who granted it and its tokens. `tokens` is absent once Airtable stopped
 * accepting them (status `reauth_required`): the user has to connect again.
 */
export interface Connection {
  id: string;
  userId: string;
  email?: string;
  scopes: string[];
  status: 'active' | 'reauth_required';
  tokens?: TokenSet;
  createdAt: number;
  updatedAt: number;
  /** The app's end user it belongs to, when it was made through a connect link. */
  endUserId?: string;
  /** The stored version it was read at: an update of another version is a stale write, and loses. */
  version?: number;
}

/** A stored connection as read: everything but its tokens, which stay sealed until someone needs them. */
export interface StoredConnection {
  connection: Connection;
  sealedTokens: string | null;
}
