import type { TokenSet } from '../airtable/token-set';

/** A signed-in browser and the Airtable connection behind it. Tokens never leave the server. */
export interface Session {
  /** Identifies the Airtable connection (grant) behind the session; keys per-connection caches. */
  connectionId: string;
  userId: string;
  email?: string;
  scopes: string[];
  tokens: TokenSet;
  createdAt: number;
}

/** Where sessions live; in memory for now, behind this interface so a persistent store can replace it. */
export abstract class SessionStore {
  /** Stores the session under a new opaque random id and returns the id. */
  abstract create(session: Session): Promise<string>;
  abstract get(id: string): Promise<Session | undefined>;
  abstract delete(id: string): Promise<void>;
}
