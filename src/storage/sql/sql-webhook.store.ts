import type { Kysely, Selectable } from 'kysely';
import { Clock } from '../../common/clock';
import type { TokenCipher } from '../../connections/token-cipher';
import { TokenDecryptError } from '../../connections/token-cipher';
import type { AppEvent } from '../../events/outbox.store';
import { type NewWebhook, type Webhook, WebhookStore } from '../../webhooks/webhook.store';
import { withinTime } from '../store-unavailable';
import type { SqlSchema, WebhooksTable } from './sql-database';
import { outboxRow } from './sql-outbox.store';

export class SqlWebhookStore extends WebhookStore {
  constructor(
    private readonly db: Kysely<SqlSchema>,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async create(webhook: NewWebhook): Promise<void> {
    const now = this.clock.now();
    const row: WebhooksTable = {
      id: webhook.id,
      airtable_id: webhook.airtableId,
      connection_id: webhook.connectionId,
      base_id: webhook.baseId,
      specification: JSON.stringify(webhook.specification),
      mac_secret: this.cipher.seal(webhook.macSecretBase64, webhook.id),
      cursor: 1,
      status: 'active',
      expires_at: webhook.expiresAt,
      pinged_at: 0,
      fetched_at: now,
      lease_owner: null,
      lease_until: 0,
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
    const row = await this.run(this.db.selectFrom('webhooks').select((eb) => eb.fn.countAll<number>().as('count')).where('base_id', '=', baseId).executeTakeFirstOrThrow());
    return Number(row.count);
  }

  async delete(id: string): Promise<void> {
    await this.run(this.db.deleteFrom('webhooks').where('id', '=', id).execute());
  }

  async pinged(id: string): Promise<void> {
    await this.run(this.db.updateTable('webhooks').set({ pinged_at: this.clock.now() }).where('id', '=', id).execute());
  }

  async lease(id: string, owner: string, leaseMs: number): Promise<Webhook | undefined> {
    const now = this.clock.now();
    const taken = await this.run(
      this.db
        .updateTable('webhooks')
        .set({ lease_owner: owner, lease_until: now + leaseMs })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .where((eb) => eb.or([eb('lease_until', '<', now), eb('lease_owner', '=', owner)]))
        .executeTakeFirst(),
    );
    return Number(taken.numUpdatedRows) === 1 ? this.get(id) : undefined;
  }

  async advance(id: string, owner: string, from: number, to: number, event: AppEvent | undefined): Promise<boolean> {
    const now = this.clock.now();
    return this.run(
      this.db.transaction().execute(async (trx) => {
        const moved = await trx
          .updateTable('webhooks')
          .set({ cursor: to })
          .where('id', '=', id)
          .where('cursor', '=', from)
          .where('lease_owner', '=', owner)
          .where('lease_until', '>=', now)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) return false;
        const row = await trx.selectFrom('webhooks').select('connection_id').where('id', '=', id).executeTakeFirstOrThrow();
        if (event) await trx.insertInto('outbox_events').values(outboxRow(row.connection_id, event, now)).execute();
        return true;
      }),
    );
  }

  async release(id: string, owner: string, fetchedAt?: number): Promise<void> {
    const done = fetchedAt === undefined ? {} : { fetched_at: fetchedAt };
    await this.run(this.db.updateTable('webhooks').set({ lease_owner: null, lease_until: 0, ...done }).where('id', '=', id).where('lease_owner', '=', owner).execute());
  }

  async dueForFetch(quietMs: number, limit: number): Promise<string[]> {
    const now = this.clock.now();
    const rows = await this.run(
      this.db
        .selectFrom('webhooks')
        // Only webhooks of connections that can be read: the rest wait, cursor kept, for a reconnect.
        .innerJoin('connections', 'connections.id', 'webhooks.connection_id')
        .select('webhooks.id')
        .where('webhooks.status', '=', 'active')
        .where('connections.status', '=', 'active')
        .where('webhooks.lease_until', '<', now)
        .where((eb) => eb.or([eb('webhooks.pinged_at', '>', eb.ref('webhooks.fetched_at')), eb('webhooks.fetched_at', '<', now - quietMs)]))
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
    const now = this.clock.now();
    return this.run(
      this.db.transaction().execute(async (trx) => {
        const changed = await trx.updateTable('webhooks').set({ status: 'expired' }).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) return false;
        const row = await trx.selectFrom('webhooks').select('connection_id').where('id', '=', id).executeTakeFirstOrThrow();
        if (event) await trx.insertInto('outbox_events').values(outboxRow(row.connection_id, event, now)).execute();
        return true;
      }),
    );
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
  };
}
