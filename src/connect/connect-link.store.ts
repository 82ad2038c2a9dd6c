/** What a connect link carries: whose connection it makes, and where the browser goes afterwards. */
export interface ConnectLink {
  endUserId: string;
  returnUrl?: string;
}

/** Connect links (SQL: any instance may be the one the end user's browser reaches). */
export abstract class ConnectLinkStore {
  /** Stores a link; returns its token (never stored, only its hash) and when it expires. */
  abstract create(link: ConnectLink, ttlMs: number): Promise<{ token: string; expiresAt: number }>;
  /**
   * Marks the link used and returns it with the hash the login keeps; undefined when it is unknown,
   * expired or already used. Of two concurrent openings one wins.
   */
  abstract open(token: string): Promise<{ link: ConnectLink; tokenHash: string } | undefined>;
  /** The link behind an opened one's hash, for the callback that finishes its login. */
  abstract read(tokenHash: string): Promise<ConnectLink | undefined>;
}
