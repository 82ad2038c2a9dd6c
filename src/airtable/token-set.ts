/** The tokens of one Airtable connection, with expiry times computed from local receipt time. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  scopes: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
  refreshExpiresAt?: number;
}
