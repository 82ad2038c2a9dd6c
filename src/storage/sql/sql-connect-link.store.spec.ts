import type { Kysely } from 'kysely';
import { SQL_DIALECTS } from '../../../test/support/postgres';
import { FakeClock } from '../../../test/support/fake-clock';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';
import { SqlConnectLinkStore } from './sql-connect-link.store';

describe.each(SQL_DIALECTS)('SqlConnectLinkStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  const clock = new FakeClock();

  beforeAll(async () => {
    const database = await provision();
    remove = database.remove;
    db = openSqlDatabase(database.options);
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  it('opens a link once, and keeps only its hash', async () => {
    const store = new SqlConnectLinkStore(db, clock, 2_000);
    const { token } = await store.create({ endUserId: 'u1', returnUrl: 'https://app.example.com/' }, 60_000);
    const [first, second] = await Promise.all([store.open(token), store.open(token)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    const opened = (first ?? second)!;
    expect(opened.link).toEqual({ endUserId: 'u1', returnUrl: 'https://app.example.com/' });
    expect(await store.read(opened.tokenHash)).toEqual(opened.link);
    const rows = await db.selectFrom('connect_links').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('does not open an expired link', async () => {
    const store = new SqlConnectLinkStore(db, clock, 2_000);
    const { token, expiresAt } = await store.create({ endUserId: 'u2' }, 60_000);
    clock.set(expiresAt);
    expect(await store.open(token)).toBeUndefined();
  });
});
