import { randomToken, sha256Hex } from '../common/random';

/** What a key may do; a route names the one it needs. */
export const API_SCOPES = ['connections:read', 'connections:write', 'data:read', 'data:write', 'metrics', 'credentials:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/**
 * Scopes a key gets only when they are asked for by name, never as part of "every scope": a key with
 * `credentials:read` can take Airtable tokens out of the service.
 */
export const BY_NAME_ONLY: readonly ApiScope[] = ['credentials:read'];

/** Secret scanners look for this prefix (`atsk_` + 43 base64url characters), so a leaked key is found. */
export const API_KEY_PREFIX = 'atsk_';
export const API_KEY_PATTERN = /^atsk_[A-Za-z0-9_-]{43}$/;

export interface ApiKey {
  id: string;
  name: string;
  scopes: ApiScope[];
  createdAt: number;
  lastUsedAt?: number;
  revokedAt?: number;
}

export function newApiKeySecret(): string {
  return API_KEY_PREFIX + randomToken();
}

/** Keys are stored as their SHA-256 only. */
export const apiKeyHash = sha256Hex;

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}
