import type { ApiKey, ApiScope } from './api-key';

/** API keys (SQL: they must hold for every instance, and a revocation must reach all of them at once). */
export abstract class ApiKeyStore {
  /** Stores a new key; returns its record and the secret, which is never readable again. */
  abstract create(name: string, scopes: ApiScope[]): Promise<{ key: ApiKey; secret: string }>;
  abstract list(): Promise<ApiKey[]>;
  /** Returns whether a key with this id was active until now. */
  abstract revoke(id: string): Promise<boolean>;
  /** The active key with this secret, its use recorded; undefined for an unknown or revoked one. */
  abstract authenticate(secret: string): Promise<ApiKey | undefined>;
}
