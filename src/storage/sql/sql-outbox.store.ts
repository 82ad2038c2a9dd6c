import { type Kysely, sql, type UpdateObject } from 'kysely';
import { type AppEvent, OutboxStore, type PendingEvent } from '../../events/outbox.store';
import { withinTime } from '../store-unavailable';
import { DEFAULT_SQL_TIMEOUT_MS, type SqlSchema } from './sql-database';
import { dbNow, isPostgres } from './sql-dialect';
import { SqlLeases } from './sql-lease';

const TURN = 'outbox';
const LOCK_TIMEOUT_MS = DEFAULT_SQL_TIMEOUT_MS;

/**
 * Puts an event in the outbox inside the caller's transaction, so a change and its event are stored
 * together or not at all. On PostgreSQL the connection's events are serialized by a transaction lock
 * taken before the sequence is drawn, so their sequence order is their commit order: the dispatcher
 * never sees a later event of a connection before an earlier one commits.
 */
export async function insertEvent(trx: Kysely<SqlSchema>, connectionId: string, event: AppEvent): Promise<void> {
  // A lock wait is bounded like any store call (then store_unavailable, and the whole change rolls back).
  if (isPostgres(trx)) await sql`select set_config('lock_timeout', ${`${LOCK_TIMEOUT_MS}ms`}, true), pg_advisory_xact_lock(hashtext(${`outbox:${connectionId}`}))`.execute(trx);
  const now = dbNow(trx);
  await trx
    .insertInto('outbox_events')
    .values({ id: event.id, connection_id: connectionId, body: JSON.stringify(event), status: 'pending', attempts: 0, next_attempt_at: now, created_at: now })
    .execute();
}

export class SqlOutboxStore extends OutboxStore {
  private readonly leases: SqlLeases;

  constructor(
    private readonly db: Kysely<SqlSchema>,
    private readonly timeoutMs: number,
  ) {
    super();
    this.leases = new SqlLeases(db);
  }

  async takeTurn(leaseMs: number, token?: string): Promise<string | undefined> {
    if (token && (await this.run(this.leases.renew(TURN, token, leaseMs)))) return token;
    return this.run(this.leases.acquire(TURN, leaseMs));
  }

  async pending(limit: number): Promise<PendingEvent[]> {
    const heads = this.db
      .selectFrom('outbox_events')
      .select(['connection_id', (eb) => eb.fn.min('seq').as('head')])
      .where('status', '=', 'pending')
      .groupBy('connection_id')
      .as('heads');
    const due = this.db
      .selectFrom('outbox_events as event')
      .innerJoin(heads, 'heads.head', 'event.seq')
      .select(['event.body', 'event.connection_id', 'event.attempts', sql<number>`${dbNow(this.db)} - event.created_at`.as('age_ms')])
      .where('event.next_attempt_at', '<=', dbNow(this.db))
      .orderBy('event.seq')
      .limit(limit);
    const rows = await this.run(due.execute());
    return rows.map((row) => ({
      event: JSON.parse(row.body) as AppEvent, connectionId: row.connection_id, attempts: row.attempts, ageMs: Number(row.age_ms),
    }));
  }

  delivered(token: string, eventId: string): Promise<boolean> {
    return this.mark(token, eventId, { status: 'delivered', finished_at: dbNow(this.db), last_error: null });
  }

  retryLater(token: string, eventId: string, waitMs: number, error: string): Promise<boolean> {
    return this.mark(token, eventId, { next_attempt_at: sql<number>`${dbNow(this.db)} + ${waitMs}`, last_error: error });
  }

  giveUp(token: string, eventId: string, error: string): Promise<boolean> {
    return this.mark(token, eventId, { status: 'failed', finished_at: dbNow(this.db), last_error: error });
  }

  async depth(): Promise<{ count: number; oldestAgeMs?: number }> {
    const row = await this.run(
      this.db
        .selectFrom('outbox_events')
        .select((eb) => [eb.fn.countAll<number>().as('count'), sql<number | null>`${dbNow(this.db)} - min(created_at)`.as('age')])
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow(),
    );
    return { count: Number(row.count), ...(row.age === null ? {} : { oldestAgeMs: Number(row.age) }) };
  }

  async purge(retentionMs: number, limit: number): Promise<number> {
    const old = this.db
      .selectFrom('outbox_events')
      .select('seq')
      .where('status', 'in', ['delivered', 'failed'])
      .where('finished_at', '<', sql<number>`${dbNow(this.db)} - ${retentionMs}`)
      .limit(limit);
    return Number((await this.run(this.db.deleteFrom('outbox_events').where('seq', 'in', old).executeTakeFirst())).numDeletedRows);
  }

  /** One delivery's outcome: counted as an attempt, only on a waiting event, only while the turn is held. */
  private async mark(token: string, eventId: string, changes: UpdateObject<SqlSchema, 'outbox_events'>): Promise<boolean> {
    const update = this.db
      .updateTable('outbox_events')
      .set(changes)
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', eventId)
      .where('status', '=', 'pending')
      .where(this.leases.holds(TURN, token));
    return Number((await this.run(update.executeTakeFirst())).numUpdatedRows) === 1;
  }

  private run<T>(promise: Promise<T>): Promise<T> {
    return withinTime(promise, this.timeoutMs);
  }
}
