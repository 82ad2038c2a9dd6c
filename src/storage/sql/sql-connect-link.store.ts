import type { Kysely } from 'kysely';
import { Clock } from '../../common/clock';
import { randomToken, sha256Hex as hash } from '../../common/random';
import { type ConnectLink, ConnectLinkStore } from '../../connect/connect-link.store';
import { withinTime } from '../store-unavailable';
import type { SqlSchema } from './sql-database';

export class SqlConnectLinkStore extends ConnectLinkStore {
  constructor(
    private readonly db: Kysely<SqlSchema>,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async create(link: ConnectLink, ttlMs: number): Promise<{ token: string; expiresAt: number }> {
    const token = randomToken();
    const now = this.clock.now();
    const row = { token_hash: hash(token), end_user_id: link.endUserId, return_url: link.returnUrl ?? null, created_at: now, expires_at: now + ttlMs, used_at: null };
    await withinTime(this.db.insertInto('connect_links').values(row).execute(), this.timeoutMs);
    return { token, expiresAt: row.expires_at };
  }

  async open(token: string): Promise<{ link: ConnectLink; tokenHash: string } | undefined> {
    const tokenHash = hash(token);
    const now = this.clock.now();
    const used = this.db.updateTable('connect_links').set({ used_at: now }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', now);
    if (Number((await withinTime(used.executeTakeFirst(), this.timeoutMs)).numUpdatedRows) !== 1) return undefined;
    const link = await this.read(tokenHash);
    return link && { link, tokenHash };
  }

  async read(tokenHash: string): Promise<ConnectLink | undefined> {
    const row = await withinTime(this.db.selectFrom('connect_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(), this.timeoutMs);
    return row && { endUserId: row.end_user_id, ...(row.return_url === null ? {} : { returnUrl: row.return_url }) };
  }
}
