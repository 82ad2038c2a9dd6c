import { type Kysely, sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONNECTION_ROW, migratedDatabase, SQL_DIALECTS, readDbNow } from '../../../test/support/postgres';
import { randomToken } from '../../common/random';
import type { SqlSchema } from './sql-database';
import { SqlLeases } from './sql-lease';

const LEASE_MS = 60_000;
const GRACE_MS = 3_600_000;

describe.each(SQL_DIALECTS)('SqlLeases on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  let leases: SqlLeases;
  let name: string;

  beforeAll(async () => {
    ({ db, remove } = await migratedDatabase(provision));
    leases = new SqlLeases(db);
  });

  beforeEach(() => {
    name = `job:${randomToken()}`;
  });

  afterEach(() => vi.useRealTimers());

  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  /** Its holder stopped renewing long enough ago that the lease ran out, by the database's time. */
  const lapse = (lease = name) => db.updateTable('leases').set({ expires_at: sql<number>`expires_at - ${2 * LEASE_MS}` }).where('name', '=', lease).execute();
  /** A write made under the lease `token` may hold: how many rows it changed. */
  const guardedWrite = async (token: string) => {
    const update = db.updateTable('connections').set({ updated_at: Date.now() }).where('id', '=', CONNECTION_ROW.id).where(leases.holds(name, token));
    return Number((await update.executeTakeFirst()).numUpdatedRows);
  };
  const isFree = async (lease = name) => {
    const { rows } = await sql<{ free: number | boolean }>`select case when ${leases.free(sql.lit(lease))} then 1 else 0 end as free`.execute(db);
    return Number(rows[0].free) === 1;
  };

  it('refuses a second acquire while the lease is held, and lets its holder renew it', async () => {
    const token = await leases.acquire(name, LEASE_MS);
    expect(token).toEqual(expect.any(String));
    expect(await leases.acquire(name, LEASE_MS)).toBeUndefined();
    expect(await leases.renew(name, token!, LEASE_MS)).toBe(true);
    expect(await leases.acquire(name, LEASE_MS)).toBeUndefined();
    expect(await guardedWrite(token!)).toBe(1);
    expect(await isFree()).toBe(false);
    expect(await leases.acquire(`job:${randomToken()}`, LEASE_MS)).toEqual(expect.any(String));
  });

  it('gives the lease to exactly one of many acquiring at once, fresh or run out', async () => {
    const first = await Promise.all(Array.from({ length: 6 }, () => leases.acquire(name, LEASE_MS)));
    expect(first.filter(Boolean)).toHaveLength(1);
    await lapse();
    const second = await Promise.all(Array.from({ length: 6 }, () => leases.acquire(name, LEASE_MS)));
    expect(second.filter(Boolean)).toHaveLength(1);
    expect(second.find(Boolean)).not.toBe(first.find(Boolean));
  });

  it('lets another take a lease that ran out, under a new token; the old token then renews and writes nothing', async () => {
    const old = (await leases.acquire(name, 50))!;
    await sleep(100);
    expect(await isFree()).toBe(true);
    const taken = (await leases.acquire(name, LEASE_MS))!;
    expect(taken).toEqual(expect.any(String));
    expect(taken).not.toBe(old);
    expect(await leases.renew(name, old, LEASE_MS)).toBe(false);
    expect(await guardedWrite(old)).toBe(0);
    expect(await guardedWrite(taken)).toBe(1);
    expect(await leases.renew(name, taken, LEASE_MS)).toBe(true);
  });

  it('lets a holder whose time ran out renew while nobody took the lease over', async () => {
    const token = (await leases.acquire(name, LEASE_MS))!;
    await lapse();
    expect(await leases.renew(name, token, LEASE_MS)).toBe(true);
    expect(await leases.acquire(name, LEASE_MS)).toBeUndefined();
  });

  it('is decided by the database clock, whatever the instance clock says', async () => {
    const token = (await leases.acquire(name, LEASE_MS))!;
    // This instance's clock runs hours ahead of the database's (and of the instance that took the lease).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 * LEASE_MS });
    expect(await leases.acquire(name, LEASE_MS)).toBeUndefined();
    expect(await isFree()).toBe(false);
    expect(await leases.renew(name, token, LEASE_MS)).toBe(true);
  });

  it('ends a lease on release by its holder, and does nothing for a stale token', async () => {
    const old = (await leases.acquire(name, LEASE_MS))!;
    await lapse();
    const taken = (await leases.acquire(name, LEASE_MS))!;
    await leases.release(name, old);
    expect(await leases.acquire(name, LEASE_MS)).toBeUndefined();
    expect(await leases.renew(name, taken, LEASE_MS)).toBe(true);
    expect(await guardedWrite(taken)).toBe(1);
    await leases.release(name, taken);
    expect(await isFree()).toBe(true);
    expect(await guardedWrite(taken)).toBe(0);
    expect(await leases.acquire(name, LEASE_MS)).toEqual(expect.any(String));
  });

  it('purges only leases that ended more than the grace ago, at most `limit` at a time', async () => {
    await db.deleteFrom('leases').execute();
    const now = await readDbNow(db);
    const rows = [
      { name: 'held', expires_at: now + LEASE_MS },
      { name: 'just-ended', expires_at: now - 1_000 },
      { name: 'ended-within-grace', expires_at: now - GRACE_MS + LEASE_MS },
      ...['a', 'b', 'c'].map((n) => ({ name: `long-ended-${n}`, expires_at: now - GRACE_MS - LEASE_MS })),
    ];
    await db.insertInto('leases').values(rows.map((row) => ({ ...row, token: randomToken() }))).execute();
    expect(await leases.purge(GRACE_MS, 2)).toBe(2);
    expect(await leases.purge(GRACE_MS, 2)).toBe(1);
    expect(await leases.purge(GRACE_MS, 2)).toBe(0);
    const left = await db.selectFrom('leases').select('name').orderBy('name').execute();
    expect(left.map((row) => row.name)).toEqual(['ended-within-grace', 'held', 'just-ended']);
  });
});
