import type { Kysely, Selectable } from 'kysely';
import { type ApiKey, apiKeyHash, type ApiScope, newApiKeySecret } from '../../api-keys/api-key';
import { ApiKeyStore } from '../../api-keys/api-key.store';
import { Clock } from '../../common/clock';
import { randomToken } from '../../common/random';
import { withinTime } from '../store-unavailable';
import type { ApiKeysTable, SqlSchema } from './sql-database';

/** How stale `last_used_at` may get: one write a minute per key, not one per request. */
const LAST_USED_PRECISION_MS = 60_000;

export class SqlApiKeyStore extends ApiKeyStore {
  constructor(
    private readonly db: Kysely<SqlSchema>,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async create(name: string, scopes: ApiScope[]): Promise<{ key: ApiKey; secret: string }> {
    const secret = newApiKeySecret();
    const row = { id: `key_${randomToken().slice(0, 16)}`, name, secret_hash: apiKeyHash(secret), scopes: scopes.join(' '), created_at: this.clock.now(), last_used_at: null, revoked_at: null };
    await withinTime(this.db.insertInto('api_keys').values(row).execute(), this.timeoutMs);
    return { key: toApiKey(row), secret };
  }

  async list(): Promise<ApiKey[]> {
    const rows = await withinTime(this.db.selectFrom('api_keys').selectAll().orderBy('created_at').execute(), this.timeoutMs);
    return rows.map(toApiKey);
  }

  async revoke(id: string): Promise<boolean> {
    const revoked = this.db.updateTable('api_keys').set({ revoked_at: this.clock.now() }).where('id', '=', id).where('revoked_at', 'is', null);
    return Number((await withinTime(revoked.executeTakeFirst(), this.timeoutMs)).numUpdatedRows) === 1;
  }

  authenticate(secret: string): Promise<ApiKey | undefined> {
    return withinTime(this.use(apiKeyHash(secret)), this.timeoutMs);
  }

  private async use(hash: string): Promise<ApiKey | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('secret_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
    if (!row) return undefined;
    const now = this.clock.now();
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_PRECISION_MS) {
      await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
      row.last_used_at = now;
    }
    return toApiKey(row);
  }
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.split(' ').filter(Boolean) as ApiScope[],
    createdAt: row.created_at,
    ...(row.last_used_at !== null ? { lastUsedAt: row.last_used_at } : {}),
    ...(row.revoked_at !== null ? { revokedAt: row.revoked_at } : {}),
  };
}
