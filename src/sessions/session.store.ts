/** A signed-in browser: which connection it uses and how long it may keep using it. */
export interface Session {
  connectionId: string;
  createdAt: number;
  lastSeenAt: number;
}

/** Where sessions live: SQLite by default. Ids are opaque and random; only their HMAC is stored. */
export abstract class SessionStore {
  /** Stores a new session for the connection under a new random id and returns the id. */
  abstract create(connectionId: string): Promise<string>;
  /** The session, unless it is unknown or past its idle or absolute lifetime. Records the visit. */
  abstract use(id: string): Promise<Session | undefined>;
  abstract delete(id: string): Promise<void>;
}
