/** What a connect link carries: whose connection it makes, and where the browser goes afterwards. */
export interface ConnectLink {
  endUserId: string;
  returnUrl?: string;
  /** The connection its login made, once one did: the link is used up then. */
  connectionId?: string;
}

/** Connect links (SQL: any instance may be the one the end user's browser reaches). */
export abstract class ConnectLinkStore {
  /** Stores a link; returns its token (never stored, only its hash) and when it expires. */
  abstract create(link: ConnectLink, ttlMs: number): Promise<{ token: string; expiresAt: number }>;
  /**
   * The link behind a token while it can still start a login: known, not expired, and no login through
   * it has made a connection yet. Reading it changes nothing, so a link preview (GET, HEAD) uses nothing
   * up; the connection store marks it used in the transaction that stores the connection.
   */
  abstract usable(token: string): Promise<{ link: ConnectLink; tokenHash: string } | undefined>;
  /** The link behind a hash, for the callback that finishes a login started through it. */
  abstract read(tokenHash: string): Promise<ConnectLink | undefined>;
  /** Deletes up to `limit` links that expired; how many went. */
  abstract purge(limit: number): Promise<number>;
}
