import type { Kysely, Selectable } from 'kysely';
import { Clock } from '../../common/clock';
import { randomToken, sha256Hex as hash } from '../../common/random';
import { type ConnectLink, ConnectLinkStore } from '../../connect/connect-link.store';
import { withinTime } from '../store-unavailable';
import type { ConnectLinksTable, SqlSchema } from './sql-database';

/** A day past its expiry a link is deleted: a login started just before it expired has long ended. */
const PURGE_AFTER_MS = 24 * 60 * 60_000;

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
    const row = {
      token_hash: hash(token), end_user_id: link.endUserId, return_url: link.returnUrl ?? null,
      created_at: now, expires_at: now + ttlMs, used_at: null, connection_id: null,
    };
    await withinTime(this.db.insertInto('connect_links').values(row).execute(), this.timeoutMs);
    return { token, expiresAt: row.expires_at };
  }

  async usable(token: string): Promise<{ link: ConnectLink; tokenHash: string } | undefined> {
    const tokenHash = hash(token);
    const query = this.db.selectFrom('connect_links').selectAll().where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', this.clock.now());
    const row = await withinTime(query.executeTakeFirst(), this.timeoutMs);
    return row && { link: toLink(row), tokenHash };
  }

  async read(tokenHash: string): Promise<ConnectLink | undefined> {
    const row = await withinTime(this.db.selectFrom('connect_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(), this.timeoutMs);
    return row && toLink(row);
  }

  async purge(limit: number): Promise<number> {
    const expired = this.db.selectFrom('connect_links').select('token_hash').where('expires_at', '<', this.clock.now() - PURGE_AFTER_MS).limit(limit);
    return Number((await withinTime(this.db.deleteFrom('connect_links').where('token_hash', 'in', expired).executeTakeFirst(), this.timeoutMs)).numDeletedRows);
  }
}

function toLink(row: Selectable<ConnectLinksTable>): ConnectLink {
  return {
    endUserId: row.end_user_id,
    ...(row.return_url === null ? {} : { returnUrl: row.return_url }),
    ...(row.connection_id === null ? {} : { connectionId: row.connection_id }),
  };
}
