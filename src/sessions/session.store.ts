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
