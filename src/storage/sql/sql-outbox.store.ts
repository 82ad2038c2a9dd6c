import type { Kysely } from 'kysely';
import { Clock } from '../../common/clock';
import { type AppEvent, OutboxStore, type PendingEvent } from '../../events/outbox.store';
import { withinTime } from '../store-unavailable';
import type { OutboxEventsTable, SqlSchema } from './sql-database';

let counter = 0;

/**
 * An event's outbox row. Also written by other stores inside their own transactions, so that a
 * state change and its event are stored together or not at all.
 */
export function outboxRow(connectionId: string, event: AppEvent, now: number): OutboxEventsTable {
  counter = (counter + 1) % 1000;
  return { id: event.id, seq: now * 1000 + counter, connection_id: connectionId, body: JSON.stringify(event), attempts: 0, next_attempt_at: now, created_at: now };
}

export class SqlOutboxStore extends OutboxStore {
  constructor(
    private readonly db: Kysely<SqlSchema>,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async enqueue(connectionId: string, event: AppEvent): Promise<void> {
    await withinTime(this.db.insertInto('outbox_events').values(outboxRow(connectionId, event, this.clock.now())).execute(), this.timeoutMs);
  }

  async takeTurn(owner: string, leaseMs: number): Promise<boolean> {
    const now = this.clock.now();
    const taken = this.db
      .updateTable('outbox_dispatcher')
      .set({ owner, lease_until: now + leaseMs })
      .where('id', '=', 1)
      .where((eb) => eb.or([eb('lease_until', '<', now), eb('owner', '=', owner)]));
    return Number((await withinTime(taken.executeTakeFirst(), this.timeoutMs)).numUpdatedRows) === 1;
  }

  async pending(limit: number): Promise<PendingEvent[]> {
    const heads = this.db
      .selectFrom('outbox_events as event')
      .selectAll()
      .where('event.next_attempt_at', '<=', this.clock.now())
      .where(({ eb, selectFrom }) =>
        eb('event.seq', '=', selectFrom('outbox_events as earlier').select(({ fn }) => fn.min('earlier.seq').as('first')).whereRef('earlier.connection_id', '=', 'event.connection_id')),
      )
      .orderBy('event.seq')
      .limit(limit);
    const rows = await withinTime(heads.execute(), this.timeoutMs);
    return rows.map((row) => ({
      event: JSON.parse(row.body) as AppEvent,
      connectionId: row.connection_id,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      createdAt: row.created_at,
    }));
  }

  async delivered(eventId: string): Promise<void> {
    await this.drop(eventId);
  }

  async retryAt(eventId: string, attempts: number, nextAttemptAt: number): Promise<void> {
    await withinTime(this.db.updateTable('outbox_events').set({ attempts, next_attempt_at: nextAttemptAt }).where('id', '=', eventId).execute(), this.timeoutMs);
  }

  async drop(eventId: string): Promise<void> {
    await withinTime(this.db.deleteFrom('outbox_events').where('id', '=', eventId).execute(), this.timeoutMs);
  }

  async depth(): Promise<{ count: number; oldestCreatedAt?: number }> {
    const row = await withinTime(
      this.db
        .selectFrom('outbox_events')
        .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min<number>('created_at').as('oldest')])
        .executeTakeFirstOrThrow(),
      this.timeoutMs,
    );
    return { count: Number(row.count), ...(row.oldest === null ? {} : { oldestCreatedAt: Number(row.oldest) }) };
  }
}
