import { type Kysely, sql } from 'kysely';
import { CONNECTION_ROW, migratedDatabase, SQL_DIALECTS } from '../../test/support/postgres';
import { AppError, ErrorCode } from '../common/app-error';
import type { SqlSchema } from './sql/sql-database';
import { insertEvent } from './sql/sql-outbox.store';
import { isStoreOutage, StoreQueryError, withinTime } from './store-unavailable';

const TIMEOUT_MS = 2_000;

/** What `withinTime` turned a failure into. */
async function failureOf(work: Promise<unknown>): Promise<unknown> {
  return withinTime(work, TIMEOUT_MS).then(
    () => expect.fail('the statement should have failed'),
    (error: unknown) => error,
  );
}

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isStoreOutage', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['PostgreSQL shutting down (57P01)', withCode('57P01')],
    ['PostgreSQL refusing a connection (08006)', withCode('08006')],
    ['PostgreSQL out of connections (53300)', withCode('53300')],
    ['a pool error without a code', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['SQLite busy', withCode('SQLITE_BUSY')],
    ['SQLite I/O failure', withCode('SQLITE_IOERR_WRITE')],
    ['something that is not an Error', 'boom'],
  ])('counts %s as an outage', (_name, error) => {
    expect(isStoreOutage(error)).toBe(true);
  });

  it.each([
    ['a PostgreSQL unique violation (23505)', withCode('23505')],
    ['a PostgreSQL syntax error (42601)', withCode('42601')],
    ['a SQLite constraint', withCode('SQLITE_CONSTRAINT_UNIQUE')],
    ['a SQLite error', withCode('SQLITE_ERROR')],
    ['an error without a code that is no connection problem', new Error('column "x" does not exist')],
  ])('does not count %s as an outage', (_name, error) => {
    expect(isStoreOutage(error)).toBe(false);
  });
});

describe('withinTime', () => {
  it('answers store_unavailable when the store does not answer in time', async () => {
    const start = Date.now();
    const failure = await withinTime(new Promise(() => undefined), 50).catch((error: unknown) => error);
    expect(failure).toEqual(expect.objectContaining({ name: AppError.name, code: ErrorCode.StoreUnavailable }));
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('answers store_unavailable for an outage and passes an AppError through as it is', async () => {
    expect(await failureOf(Promise.reject(withCode('ECONNREFUSED')))).toEqual(expect.objectContaining({ code: ErrorCode.StoreUnavailable }));
    const own = new AppError(ErrorCode.IdempotencyKeyInUse);
    expect(await failureOf(Promise.reject(own))).toBe(own);
  });
});

describe.each(SQL_DIALECTS)('withinTime on %s', (dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    ({ db, remove } = await migratedDatabase(provision));
  });

  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  it('tells a primary key taken twice as a unique violation, not an outage', async () => {
    const failure = await failureOf(db.insertInto('connections').values(CONNECTION_ROW).execute());
    expect(failure).toBeInstanceOf(StoreQueryError);
    expect(failure).toEqual(expect.objectContaining({ code: dialect === 'PostgreSQL' ? '23505' : 'SQLITE_CONSTRAINT_PRIMARYKEY', uniqueViolation: true }));
    expect((failure as StoreQueryError).cause).toBeDefined();
  });

  it('tells a unique index taken twice as a unique violation', async () => {
    const event = { id: 'evt_twice', type: 'connection.updated' as const, createdAt: new Date(0).toISOString(), data: {} };
    await db.transaction().execute((trx) => insertEvent(trx, 'conn-1', event));
    const failure = await failureOf(db.transaction().execute((trx) => insertEvent(trx, 'conn-1', event)));
    expect(failure).toBeInstanceOf(StoreQueryError);
    expect(failure).toEqual(expect.objectContaining({ code: dialect === 'PostgreSQL' ? '23505' : 'SQLITE_CONSTRAINT_UNIQUE', uniqueViolation: true }));
  });

  it('tells another refused statement from an outage: a syntax error or a missing value is a StoreQueryError, no unique violation', async () => {
    const syntax = await failureOf(sql`selec 1`.execute(db));
    expect(syntax).toBeInstanceOf(StoreQueryError);
    expect(syntax).toEqual(expect.objectContaining({ code: dialect === 'PostgreSQL' ? '42601' : 'SQLITE_ERROR', uniqueViolation: false }));
    const missing = await failureOf(db.insertInto('connections').values({ ...CONNECTION_ROW, id: 'conn-2', user_id: null as unknown as string }).execute());
    expect(missing).toBeInstanceOf(StoreQueryError);
    expect(missing).toEqual(expect.objectContaining({ code: dialect === 'PostgreSQL' ? '23502' : 'SQLITE_CONSTRAINT_NOTNULL', uniqueViolation: false }));
  });
});
