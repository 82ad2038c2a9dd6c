import type { Kysely } from 'kysely';
import { SQL_DIALECTS } from '../../../test/support/postgres';
import { FakeClock } from '../../../test/support/fake-clock';
import { ErrorCode } from '../../common/app-error';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlIdempotencyStore } from './sql-idempotency.store';

const LEASE_MS = 60_000;
const TTL_MS = 24 * 3600_000;

describe.each(SQL_DIALECTS)('SqlIdempotencyStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  let clock: FakeClock;
  let store: SqlIdempotencyStore;
  let serial = 0;
  let scope: { connectionId: string; key: string };

  beforeAll(async () => {
    const database = await provision();
    remove = database.remove;
    db = openSqlDatabase(database.options);
    await migrateToLatest(db);
  });

  beforeEach(() => {
    clock = new FakeClock();
    store = new SqlIdempotencyStore(db, clock, 2_000);
    scope = { connectionId: 'connection-1', key: `key-${++serial}` };
  });

  afterEach(() => store.onModuleDestroy());

  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  const claim = (fingerprint = 'f1') => store.claim(scope, fingerprint, LEASE_MS, TTL_MS);

  it('lets the first claim run, refuses another body, and holds off a second claim while the first runs', async () => {
    expect(await claim()).toEqual({ kind: 'started' });
    expect(await claim('f2')).toEqual({ kind: 'mismatch' });
    expect(await claim()).toEqual({ kind: 'running' });
  });

  it('replays the outcome once finished, for as long as the key lives', async () => {
    await claim();
    await store.finish(scope, { ok: true, body: { records: [{ id: 'rec1' }] } });
    expect(await claim()).toEqual({ kind: 'finished', outcome: { ok: true, body: { records: [{ id: 'rec1' }] } } });
    clock.advance(TTL_MS - 1);
    expect((await claim()).kind).toBe('finished');
    clock.advance(1);
    expect(await claim('another body')).toEqual({ kind: 'started' });
  });

  it('keeps a failure outcome as it was', async () => {
    await claim();
    const outcome = { ok: false as const, code: ErrorCode.UpstreamRejected, message: 'm', details: { notWrittenFrom: 10 } };
    await store.finish(scope, outcome);
    expect(await claim()).toEqual({ kind: 'finished', outcome });
  });

  it('hands a lapsed lease to one retry, with the progress saved', async () => {
    await claim();
    const progress = { next: 20, records: [{ id: 'a' }, { id: 'b' }] };
    await store.saveProgress(scope, progress, LEASE_MS);
    clock.advance(LEASE_MS - 1);
    expect((await claim()).kind).toBe('running');
    clock.advance(1);
    const [first, second] = await Promise.all([claim(), claim()]);
    expect([first, second]).toContainEqual({ kind: 'started', progress });
    expect([first, second]).toContainEqual({ kind: 'running' });
  });

  it('saving progress extends the lease', async () => {
    await claim();
    clock.advance(LEASE_MS - 1);
    await store.saveProgress(scope, { next: 10, records: [] }, LEASE_MS);
    clock.advance(LEASE_MS - 1);
    expect((await claim()).kind).toBe('running');
  });

  it('forgets a released key, and keys of other connections are their own', async () => {
    await claim();
    expect(await store.claim({ ...scope, connectionId: 'connection-2' }, 'other', LEASE_MS, TTL_MS)).toEqual({ kind: 'started' });
    await store.release(scope);
    expect(await claim('another body')).toEqual({ kind: 'started' });
  });

  it('purges expired keys', async () => {
    await claim();
    clock.advance(TTL_MS);
    await store.purge();
    const left = await db.selectFrom('idempotency_keys').selectAll().where('key', '=', scope.key).execute();
    expect(left).toEqual([]);
  });
});
