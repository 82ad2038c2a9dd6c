import { type Kysely, sql } from 'kysely';
import { SQL_DIALECTS, readDbNow } from '../../../test/support/postgres';
import { AppError, ErrorCode } from '../../common/app-error';
import type { Claim, HeldKey } from '../../records/idempotency.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlIdempotencyStore } from './sql-idempotency.store';

const LEASE_MS = 60_000;
const TTL_MS = 24 * 3600_000;

describe.each(SQL_DIALECTS)('SqlIdempotencyStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  let store: SqlIdempotencyStore;
  let serial = 0;
  let scope: { connectionId: string; key: string };

  beforeAll(async () => {
    const database = await provision();
    remove = database.remove;
    db = openSqlDatabase(database.options);
    await migrateToLatest(db);
    store = new SqlIdempotencyStore(db, 2_000);
  });

  beforeEach(() => {
    scope = { connectionId: 'connection-1', key: `key-${++serial}` };
  });

  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  const claim = (fingerprint = 'f1') => store.claim(scope, fingerprint, LEASE_MS, TTL_MS);
  const heldKey = (claimed: Claim): HeldKey => {
    if (claimed.kind !== 'started') throw new Error(`expected a started claim, got ${claimed.kind}`);
    return claimed.key;
  };
  /** The holder stops renewing and its lease runs out (the database's time is what counts). */
  const lapse = (key = scope) =>
    db.updateTable('leases').set({ expires_at: sql<number>`expires_at - ${2 * LEASE_MS}` }).where('name', '=', `idempotency:${key.connectionId}:${key.key}`).execute();
  const expireKey = () => db.updateTable('idempotency_keys').set({ expires_at: 1 }).where('key', '=', scope.key).execute();

  it('lets the first claim run, refuses another body, and holds off a second claim while the first runs', async () => {
    const first = await claim();
    expect(first).toEqual({ kind: 'started', key: { ...scope, lease: expect.any(String) } });
    expect(await claim('f2')).toEqual({ kind: 'mismatch' });
    expect(await claim()).toEqual({ kind: 'running' });
  });

  it('replays the outcome once finished, for as long as the key lives', async () => {
    const before = await readDbNow(db);
    const key = heldKey(await claim());
    const after = await readDbNow(db);
    await store.finish(key, { ok: true, body: { records: [{ id: 'rec1' }] } });
    expect(await claim()).toEqual({ kind: 'finished', outcome: { ok: true, body: { records: [{ id: 'rec1' }] } } });
    const { expires_at } = await db.selectFrom('idempotency_keys').select('expires_at').where('key', '=', scope.key).executeTakeFirstOrThrow();
    expect(Number(expires_at)).toBeGreaterThanOrEqual(before + TTL_MS);
    expect(Number(expires_at)).toBeLessThanOrEqual(after + TTL_MS);
    await expireKey();
    expect(await claim('another body')).toEqual({ kind: 'started', key: expect.objectContaining(scope) });
  });

  it('keeps a failure outcome as it was', async () => {
    const key = heldKey(await claim());
    const outcome = { ok: false as const, code: ErrorCode.UpstreamRejected, message: 'm', details: { notWrittenFrom: 10 } };
    await store.finish(key, outcome);
    expect(await claim()).toEqual({ kind: 'finished', outcome });
  });

  it('hands a lapsed lease to one retry, with the progress saved, under a new token', async () => {
    const key = heldKey(await claim());
    const progress = { next: 20, records: [{ id: 'a' }, { id: 'b' }] };
    await store.saveProgress(key, progress, LEASE_MS);
    expect((await claim()).kind).toBe('running');
    await lapse();
    const [first, second] = await Promise.all([claim(), claim()]);
    expect([first, second]).toContainEqual({ kind: 'started', key: { ...scope, lease: expect.any(String) }, progress });
    expect([first, second]).toContainEqual({ kind: 'running' });
    expect(heldKey(first.kind === 'started' ? first : second).lease).not.toBe(key.lease);
  });

  it('fences a holder whose lease was taken over: it can save, finish or release nothing', async () => {
    const stalled = heldKey(await claim());
    await store.saveProgress(stalled, { next: 5, records: [] }, LEASE_MS);
    await lapse();
    const retry = heldKey(await claim());
    const refused = store.saveProgress(stalled, { next: 10, records: [] }, LEASE_MS);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused.catch((error: AppError) => error.code)).resolves.toBe(ErrorCode.IdempotencyKeyInUse);
    await store.finish(stalled, { ok: true, body: { from: 'stalled' } });
    await store.release(stalled);
    const row = await db.selectFrom('idempotency_keys').select(['progress', 'outcome']).where('key', '=', scope.key).executeTakeFirstOrThrow();
    expect(row).toEqual({ progress: JSON.stringify({ next: 5, records: [] }), outcome: null });
    expect((await claim()).kind).toBe('running');
    await store.finish(retry, { ok: true, body: { from: 'retry' } });
    expect(await claim()).toEqual({ kind: 'finished', outcome: { ok: true, body: { from: 'retry' } } });
  });

  it('saving progress extends the lease', async () => {
    const key = heldKey(await claim());
    await lapse();
    await store.saveProgress(key, { next: 10, records: [] }, LEASE_MS);
    expect((await claim()).kind).toBe('running');
  });

  it('forgets a released key, and keys of other connections are their own', async () => {
    const key = heldKey(await claim());
    expect((await store.claim({ ...scope, connectionId: 'connection-2' }, 'other', LEASE_MS, TTL_MS)).kind).toBe('started');
    await store.release(key);
    expect(await claim('another body')).toEqual({ kind: 'started', key: expect.objectContaining(scope) });
  });

  it('purges keys past their time to live, at most `limit` at a time, and keeps the others', async () => {
    await db.deleteFrom('idempotency_keys').execute();
    const keys = ['a', 'b', 'c'].map((suffix) => ({ connectionId: 'connection-3', key: `${scope.key}-${suffix}` }));
    for (const key of keys) await store.claim(key, 'f1', LEASE_MS, TTL_MS);
    await claim();
    await db.updateTable('idempotency_keys').set({ expires_at: 1 }).where('connection_id', '=', 'connection-3').execute();
    expect(await store.purge(2)).toBe(2);
    expect(await store.purge(2)).toBe(1);
    expect(await store.purge(2)).toBe(0);
    expect(await db.selectFrom('idempotency_keys').select('key').execute()).toEqual([{ key: scope.key }]);
  });
});
