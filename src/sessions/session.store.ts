/** A signed-in browser: which connection it uses and how long it may keep using it. */
export interface Session {
  connectionId: string;
  createdAt: number;
  lastSeenAt: number;
}

/** A session about to be stored (with the connection change that starts it): its id, and what is stored of it. */
export interface NewSession {
  id: string;
  idHash: string;
  createdAt: number;
}

/** Where sessions live: SQLite by default. Ids are opaque and random; only their HMAC is stored. */
export abstract class SessionStore {
  /** A new random session id and its stored form, for `ConnectionStore` to store with the login. */
  abstract issue(): NewSession;
  /** The stored form of a session id. */
  abstract hashOf(id: string): string;
  /** The session, unless it is unknown or past its idle or absolute lifetime. Records the visit. */
  abstract use(id: string): Promise<Session | undefined>;
  abstract delete(id: string): Promise<void>;
  /** Deletes up to `limit` sessions past their lifetime; how many went. */
  abstract purge(limit: number): Promise<number>;
}

export interface SessionLifetimes {
  sessionIdleMs: number;
  sessionTtlMs: number;
}

/** A visit is written back at most this often (or a tenth of the idle time), so reads do not each write. */
const TOUCH_EVERY_MS = 60_000;

/** The one rule for session lifetimes, whatever the store. */
export function sessionLife(session: Session, now: number, lifetimes: SessionLifetimes) {
  const expired = now - session.lastSeenAt > lifetimes.sessionIdleMs || now - session.createdAt > lifetimes.sessionTtlMs;
  const needsTouch = now - session.lastSeenAt > Math.min(TOUCH_EVERY_MS, lifetimes.sessionIdleMs / 10);
  /** How long the session may live from now if nothing else happens. */
  const remainingMs = Math.min(lifetimes.sessionIdleMs, session.createdAt + lifetimes.sessionTtlMs - now);
  return { expired, needsTouch, remainingMs };
}
