import { type Kysely, type Selectable, sql } from 'kysely';
import type { TokenSet } from '../../airtable/token-set';
import type { TokenCipher } from '../../connections/token-cipher';
import { TokenDecryptError } from '../../connections/token-cipher';
import type { AppEvent } from '../../events/outbox.store';
import { type LeasedWebhook, type NewWebhook, type ReadEnd, type Teardown, type Webhook, WebhookStore } from '../../webhooks/webhook.store';
import { withinTime } from '../store-unavailable';
import type { SqlSchema, WebhooksTable } from './sql-database';
import { dbNow } from './sql-dialect';
import { SqlLeases } from './sql-lease';
import { insertEvent } from './sql-outbox.store';

const leaseName = (id: string) => `webhook:${id}`;

/** Webhooks in the `webhooks` table; every fetch under a lease of `leases`, every time the database's. */
export class SqlWebhookStore extends WebhookStore {
  private readonly leases: SqlLeases;

  constructor(
    private readonly db: Kysely<SqlSchema>,
    private readonly cipher: TokenCipher,
    private readonly timeoutMs: number,
  ) {
    super();
    this.leases = new SqlLeases(db);
  }

  async create(webhook: NewWebhook): Promise<void> {
    const now = dbNow(this.db);
    const row = {
      id: webhook.id,
      airtable_id: webhook.airtableId,
      connection_id: webhook.connectionId,
      base_id: webhook.baseId,
      specification: JSON.stringify(webhook.specification),
      mac_secret: this.cipher.seal(webhook.macSecretBase64, webhook.id),
      cursor: 1,
      status: 'active' as const,
      expires_at: webhook.expiresAt,
      pinged_at: 0,
      fetched_at: now,
      created_at: now,
    };
    await this.run(this.db.insertInto('webhooks').values(row).execute());
  }

  async get(id: string): Promise<Webhook | undefined> {
    const row = await this.run(this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst());
    return row && toWebhook(row);
  }

  async withMacSecret(id: string): Promise<{ webhook: Webhook; macSecret: Buffer } | undefined> {
    const row = await this.run(this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst());
    if (!row) return undefined;
    try {
      return { webhook: toWebhook(row), macSecret: Buffer.from(this.cipher.open(row.mac_secret, row.id), 'base64') };
    } catch (error) {
      // A removed key or a tampered row: no ping can be checked, so none is taken.
      if (error instanceof TokenDecryptError) return undefined;
      throw error;
    }
  }

  async list(connectionId: string): Promise<Webhook[]> {
    const rows = await this.run(this.db.selectFrom('webhooks').selectAll().where('connection_id', '=', connectionId).orderBy('created_at').orderBy('id').execute());
    return rows.map(toWebhook);
  }

  async countForBase(baseId: string): Promise<number> {
    const count = (table: 'webhooks' | 'webhook_teardowns') =>
      this.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('count')).where('base_id', '=', baseId).executeTakeFirstOrThrow();
    const [live, leaving] = await this.run(Promise.all([count('webhooks'), count('webhook_teardowns')]));
    return Number(live.count) + Number(leaving.count);
  }

  async delete(id: string): Promise<void> {
    await this.run(this.db.deleteFrom('webhooks').where('id', '=', id).execute());
  }

  async pinged(id: string): Promise<void> {
    await this.run(this.db.updateTable('webhooks').set({ pinged_at: dbNow(this.db) }).where('id', '=', id).execute());
  }

  async lease(id: string, leaseMs: number, lease?: string): Promise<LeasedWebhook | undefined> {
    const name = leaseName(id);
    // A holder's renewal never falls back to a new lease: one taken over meanwhile is lost for good.
    const held = lease
      ? ((await this.run(this.leases.renew(name, lease, leaseMs))) ? lease : undefined)
      : await this.run(this.leases.acquire(name, leaseMs));
    if (!held) return undefined;
    const row = await this.run(
      this.db.selectFrom('webhooks').selectAll().select(dbNow(this.db).as('now')).where('id', '=', id).where('status', '=', 'active').executeTakeFirst(),
    );
    if (!row) {
      await this.run(this.leases.release(name, held));
      return undefined;
    }
    return { ...toWebhook(row), lease: held, leasedAt: Number(row.now), readAt: Number(row.fetched_at) };
  }

  async advance(id: string, lease: string, from: number, to: number, event: AppEvent | undefined): Promise<boolean> {
    return this.run(
      this.db.transaction().execute(async (trx) => {
        const moved = await trx
          .updateTable('webhooks')
          .set({ cursor: to })
          .where('id', '=', id)
          .where('cursor', '=', from)
          .where(this.leases.holds(leaseName(id), lease))
          .returning('connection_id')
          .executeTakeFirst();
        if (!moved) return false;
        if (event) await insertEvent(trx, moved.connection_id, event);
        return true;
      }),
    );
  }

  async release(id: string, lease: string, end: ReadEnd): Promise<void> {
    if (end) {
      const read =
        'readAt' in end
          ? { fetched_at: end.readAt, failures: 0, retry_at: 0 }
          : { failures: sql<number>`failures + 1`, retry_at: sql<number>`${dbNow(this.db)} + ${end.retryInMs}` };
      await this.run(this.db.updateTable('webhooks').set(read).where('id', '=', id).where(this.leases.holds(leaseName(id), lease)).execute());
    }
    await this.run(this.leases.release(leaseName(id), lease));
  }

  async dueForFetch(quietMs: number, limit: number): Promise<string[]> {
    const now = dbNow(this.db);
    const rows = await this.run(
      this.db
        .selectFrom('webhooks')
        // Only webhooks of connections that can be read: the rest wait, cursor kept, for a reconnect.
        .innerJoin('connections', 'connections.id', 'webhooks.connection_id')
        .select('webhooks.id')
        .where('webhooks.status', '=', 'active')
        .where('connections.status', '=', 'active')
        .where('webhooks.retry_at', '<=', now)
        .where(this.leases.free(sql<string>`'webhook:' || webhooks.id`))
        .where((eb) =>
          eb.or([eb('webhooks.failures', '>', 0), eb('webhooks.pinged_at', '>', eb.ref('webhooks.fetched_at')), eb('webhooks.fetched_at', '<', sql<number>`${now} - ${quietMs}`)]),
        )
        .orderBy('webhooks.fetched_at')
        .limit(limit)
        .execute(),
    );
    return rows.map((row) => row.id);
  }

  async dueForRefresh(before: number, limit: number): Promise<Webhook[]> {
    const rows = await this.run(
      this.db.selectFrom('webhooks').selectAll().where('status', '=', 'active').where('expires_at', '<', before).orderBy('expires_at').limit(limit).execute(),
    );
    return rows.map(toWebhook);
  }

  async refreshed(id: string, expiresAt: number): Promise<void> {
    await this.run(this.db.updateTable('webhooks').set({ expires_at: expiresAt }).where('id', '=', id).where('status', '=', 'active').execute());
  }

  async expire(id: string, event: AppEvent | undefined): Promise<boolean> {
    return this.run(
      this.db.transaction().execute(async (trx) => {
        const changed = await trx.updateTable('webhooks').set({ status: 'expired' }).where('id', '=', id).where('status', '=', 'active').returning('connection_id').executeTakeFirst();
        if (!changed) return false;
        if (event) await insertEvent(trx, changed.connection_id, event);
        return true;
      }),
    );
  }

  async dueTeardowns(limit: number): Promise<string[]> {
    const rows = await this.run(
      this.db
        .selectFrom('webhook_teardowns')
        .select('connection_id')
        .where('next_attempt_at', '<=', dbNow(this.db))
        .groupBy('connection_id')
        .orderBy((eb) => eb.fn.min('next_attempt_at'))
        .limit(limit)
        .execute(),
    );
    return rows.map((row) => row.connection_id);
  }

  async leaseTeardowns(connectionId: string, leaseMs: number): Promise<{ lease: string; teardowns: Teardown[] } | undefined> {
    const lease = await this.run(this.leases.acquire(`teardown:${connectionId}`, leaseMs));
    if (!lease) return undefined;
    const rows = await this.run(
      this.db
        .selectFrom('webhook_teardowns')
        .selectAll()
        .select(sql<number>`${dbNow(this.db)} - created_at`.as('age_ms'))
        .where('connection_id', '=', connectionId)
        .where('next_attempt_at', '<=', dbNow(this.db))
        .execute(),
    );
    const teardowns = rows.map((row) => ({
      webhookId: row.webhook_id,
      connectionId: row.connection_id,
      airtableId: row.airtable_id,
      baseId: row.base_id,
      ...this.opened(row.tokens, row.connection_id),
      attempts: row.attempts,
      ageMs: Number(row.age_ms),
    }));
    return { lease, teardowns };
  }

  async releaseTeardowns(connectionId: string, lease: string): Promise<void> {
    await this.run(this.leases.release(`teardown:${connectionId}`, lease));
  }

  async tornDown(webhookId: string): Promise<void> {
    await this.run(this.db.deleteFrom('webhook_teardowns').where('webhook_id', '=', webhookId).execute());
  }

  async teardownFailed(webhookId: string, retryInMs: number): Promise<void> {
    const retry = { attempts: sql<number>`attempts + 1`, next_attempt_at: sql<number>`${dbNow(this.db)} + ${retryInMs}` };
    await this.run(this.db.updateTable('webhook_teardowns').set(retry).where('webhook_id', '=', webhookId).execute());
  }

  async teardownTokens(connectionId: string, tokens: TokenSet): Promise<void> {
    const sealed = this.cipher.seal(JSON.stringify(tokens), connectionId);
    await this.run(this.db.updateTable('webhook_teardowns').set({ tokens: sealed }).where('connection_id', '=', connectionId).execute());
  }

  /** The kept tokens, opened with the deleted connection's id they are bound to. */
  private opened(sealed: string, connectionId: string): { tokens?: TokenSet } {
    try {
      return { tokens: JSON.parse(this.cipher.open(sealed, connectionId)) as TokenSet };
    } catch (error) {
      if (error instanceof TokenDecryptError) return {};
      throw error;
    }
  }

  private run<T>(promise: Promise<T>): Promise<T> {
    return withinTime(promise, this.timeoutMs);
  }
}

function toWebhook(row: Selectable<WebhooksTable>): Webhook {
  return {
    id: row.id,
    airtableId: row.airtable_id,
    connectionId: row.connection_id,
    baseId: row.base_id,
    specification: JSON.parse(row.specification) as Record<string, unknown>,
    cursor: Number(row.cursor),
    status: row.status,
    expiresAt: Number(row.expires_at),
    createdAt: Number(row.created_at),
    ...(row.pinged_at > 0 ? { lastPingAt: Number(row.pinged_at) } : {}),
    failures: Number(row.failures),
  };
}
