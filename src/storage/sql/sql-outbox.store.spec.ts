import { type Kysely, sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { SQL_DIALECTS, readDbNow } from '../../../test/support/postgres';
import { randomToken } from '../../common/random';
import type { AppEvent } from '../../events/outbox.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { insertEvent, SqlOutboxStore } from './sql-outbox.store';

const TURN_MS = 60_000;
const RETENTION_MS = 7 * 24 * 3_600_000;

describe.each(SQL_DIALECTS)('SqlOutboxStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  let store: SqlOutboxStore;

  beforeAll(async () => {
    const database = await provision();
    remove = database.remove;
    db = openSqlDatabase(database.options);
    await migrateToLatest(db);
    store = new SqlOutboxStore(db, 2_000);
  });

  beforeEach(async () => {
    await db.deleteFrom('outbox_events').execute();
    await db.deleteFrom('leases').execute();
  });

  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  const anEvent = (label: string): AppEvent => ({ id: `evt_${label}_${randomToken().slice(0, 8)}`, type: 'connection.updated', createdAt: new Date(0).toISOString(), data: { label } });
  /** Stores an event of `connectionId` as a store does, in a transaction of its own; its id. */
  const put = async (connectionId: string, label: string) => {
    const event = anEvent(label);
    await db.transaction().execute((trx) => insertEvent(trx, connectionId, event));
    return event.id;
  };
  const pendingIds = async (limit = 100) => (await store.pending(limit)).map((pending) => pending.event.id);
  const row = (id: string) => db.selectFrom('outbox_events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const turn = async () => (await store.takeTurn(TURN_MS))!;
  const lapseTurn = () => db.updateTable('leases').set({ expires_at: sql<number>`expires_at - ${2 * TURN_MS}` }).where('name', '=', 'outbox').execute();

  it('numbers events in the order they were stored, across connections', async () => {
    const ids = [await put('a', 'a1'), await put('b', 'b1'), await put('a', 'a2'), await put('c', 'c1'), await put('b', 'b2')];
    const rows = await db.selectFrom('outbox_events').select(['id', 'seq']).orderBy('seq').execute();
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(new Set(rows.map((r) => Number(r.seq))).size).toBe(ids.length);
  });

  it("numbers a connection's events in commit order: a later event waits for the transaction of an earlier one", async () => {
    const [first, second] = [anEvent('first'), anEvent('second')];
    let commit!: () => void;
    const open = new Promise<void>((resolve) => (commit = resolve));
    const committed: string[] = [];
    const earlier = db
      .transaction()
      .execute(async (trx) => {
        await insertEvent(trx, 'a', first);
        await open;
      })
      .then(() => committed.push(first.id));
    await sleep(50);
    const later = db
      .transaction()
      .execute((trx) => insertEvent(trx, 'a', second))
      .then(() => committed.push(second.id));
    await sleep(200);
    // What a dispatcher reads meanwhile: the later event must not show while the earlier one is uncommitted.
    const readMeanwhile = store.pending(10);
    await sleep(100);
    commit();
    await Promise.all([earlier, later]);
    expect((await readMeanwhile).map((pending) => pending.event.id)).not.toContain(second.id);
    expect(committed).toEqual([first.id, second.id]);
    expect(Number((await row(first.id)).seq)).toBeLessThan(Number((await row(second.id)).seq));
    expect(await pendingIds()).toEqual([first.id]);
  });

  it("gives only each connection's oldest pending event, in sequence order, up to the limit", async () => {
    const a1 = await put('a', 'a1');
    const b1 = await put('b', 'b1');
    const a2 = await put('a', 'a2');
    const c1 = await put('c', 'c1');
    await put('b', 'b2');
    const pending = await store.pending(10);
    expect(pending.map((p) => [p.event.id, p.connectionId, p.attempts])).toEqual([
      [a1, 'a', 0],
      [b1, 'b', 0],
      [c1, 'c', 0],
    ]);
    expect(pending[0].event).toEqual(expect.objectContaining({ id: a1, type: 'connection.updated', data: { label: 'a1' } }));
    expect(pending.every((p) => p.ageMs >= 0 && p.ageMs < 60_000)).toBe(true);
    expect(await pendingIds(2)).toEqual([a1, b1]);
    expect(await store.delivered(await turn(), a1)).toBe(true);
    expect(await pendingIds()).toEqual([b1, a2, c1]);
  });

  it('tells the age of a waiting event by the database clock', async () => {
    const id = await put('a', 'a1');
    await db.updateTable('outbox_events').set({ created_at: sql<number>`created_at - 90000` }).where('id', '=', id).execute();
    const [pending] = await store.pending(1);
    expect(pending.ageMs).toBeGreaterThanOrEqual(90_000);
    expect(pending.ageMs).toBeLessThan(100_000);
  });

  it('skips a head that is backing off, holding back only its own connection, until it is due', async () => {
    const a1 = await put('a', 'a1');
    await put('a', 'a2');
    const b1 = await put('b', 'b1');
    const token = await turn();
    expect(await store.retryLater(token, a1, TURN_MS, 'receiver answered 503')).toBe(true);
    expect(await row(a1)).toEqual(expect.objectContaining({ status: 'pending', attempts: 1, last_error: 'receiver answered 503', finished_at: null }));
    expect(await pendingIds()).toEqual([b1]);
    await db.updateTable('outbox_events').set({ next_attempt_at: sql<number>`next_attempt_at - ${2 * TURN_MS}` }).where('id', '=', a1).execute();
    const pending = await store.pending(10);
    expect(pending.map((p) => [p.event.id, p.attempts])).toEqual([
      [a1, 1],
      [b1, 0],
    ]);
  });

  it('makes one instance at a time the dispatcher, and lets the holder keep its turn', async () => {
    const token = await turn();
    expect(await store.takeTurn(TURN_MS)).toBeUndefined();
    expect(await store.takeTurn(TURN_MS, 'a-guessed-token')).toBeUndefined();
    expect(await store.takeTurn(TURN_MS, token)).toBe(token);
  });

  it('changes nothing for marks made with a turn that was lost, and says so', async () => {
    const a1 = await put('a', 'a1');
    const stale = await turn();
    await lapseTurn();
    const current = await turn();
    expect(current).not.toBe(stale);
    expect(await store.takeTurn(TURN_MS, stale)).toBeUndefined();
    const before = await row(a1);
    expect(await store.delivered(stale, a1)).toBe(false);
    expect(await store.retryLater(stale, a1, TURN_MS, 'late')).toBe(false);
    expect(await store.giveUp(stale, a1, 'late')).toBe(false);
    expect(await store.delivered('a-guessed-token', a1)).toBe(false);
    expect(await row(a1)).toEqual(before);
    expect(await pendingIds()).toEqual([a1]);
    expect(await store.delivered(current, a1)).toBe(true);
    expect(await row(a1)).toEqual(expect.objectContaining({ status: 'delivered', attempts: 1, finished_at: expect.any(Number) }));
    expect(await store.delivered(current, a1)).toBe(false);
  });

  it('keeps an event given up as failed, and never hands it out again', async () => {
    const a1 = await put('a', 'a1');
    const a2 = await put('a', 'a2');
    const token = await turn();
    const before = await readDbNow(db);
    expect(await store.giveUp(token, a1, 'receiver gone')).toBe(true);
    const failed = await row(a1);
    expect(failed).toEqual(expect.objectContaining({ status: 'failed', attempts: 1, last_error: 'receiver gone' }));
    expect(Number(failed.finished_at)).toBeGreaterThanOrEqual(before);
    expect(await pendingIds()).toEqual([a2]);
    expect(await store.retryLater(token, a1, 0, 'again')).toBe(false);
    expect(await store.delivered(token, a1)).toBe(false);
    expect((await row(a1)).status).toBe('failed');
    expect(await store.delivered(token, a2)).toBe(true);
    expect(await pendingIds()).toEqual([]);
  });

  it('counts the waiting events and tells when the oldest was stored', async () => {
    expect(await store.depth()).toEqual({ count: 0 });
    const a1 = await put('a', 'a1');
    await put('a', 'a2');
    await put('b', 'b1');
    const depth = await store.depth();
    expect(depth.count).toBe(3);
    expect(depth.oldestAgeMs).toBeGreaterThanOrEqual((await readDbNow(db)) - Number((await row(a1)).created_at) - 1_000);
    expect(depth.oldestAgeMs).toBeLessThanOrEqual((await readDbNow(db)) - Number((await row(a1)).created_at));
    await store.delivered(await turn(), a1);
    expect((await store.depth()).count).toBe(2);
  });

  it('purges only events delivered or given up more than the retention ago, at most `limit` at a time', async () => {
    const token = await turn();
    const old = [await put('a', 'old1'), await put('b', 'old2'), await put('c', 'old3'), await put('d', 'old-failed')];
    const recent = await put('e', 'recent');
    const waiting = await put('f', 'waiting');
    for (const id of [...old.slice(0, 3), recent]) await store.delivered(token, id);
    await store.giveUp(token, old[3], 'gone');
    await db.updateTable('outbox_events').set({ finished_at: sql<number>`finished_at - ${RETENTION_MS + 1_000}` }).where('id', 'in', old).execute();
    // A waiting event as old as any: pending events are never purged, whatever their age.
    await db.updateTable('outbox_events').set({ created_at: sql<number>`created_at - ${2 * RETENTION_MS}` }).where('id', '=', waiting).execute();
    expect(await store.purge(RETENTION_MS, 3)).toBe(3);
    expect(await store.purge(RETENTION_MS, 3)).toBe(1);
    expect(await store.purge(RETENTION_MS, 3)).toBe(0);
    const left = await db.selectFrom('outbox_events').select('id').orderBy('seq').execute();
    expect(left.map((r) => r.id)).toEqual([recent, waiting]);
  });
});
