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
}

/** Where connections live: SQLite by default. Implementations encrypt tokens at rest. */
export abstract class ConnectionStore {
  abstract save(connection: Connection): Promise<void>;
  /** Undefined for an unknown id. Tokens that fail to decrypt come back as a reauth_required connection. */
  abstract get(id: string): Promise<Connection | undefined>;
  abstract delete(id: string): Promise<void>;
  /** Active connections whose refresh token expires before `before`, soonest first. */
  abstract dueForKeepAlive(before: number, limit: number): Promise<string[]>;
}
