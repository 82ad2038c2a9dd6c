import type { Kysely } from 'kysely';
import { SQL_DIALECTS } from '../../../test/support/postgres';
import { FakeClock } from '../../../test/support/fake-clock';
import { randomToken } from '../../common/random';
import type { TokensConfig } from '../../config/tokens.config';
import type { Connection } from '../../connections/connection.store';
import { TokenCipher } from '../../connections/token-cipher';
import { SqlConnectLinkStore } from './sql-connect-link.store';
import { SqlConnectionStore } from './sql-connection.store';
import { openSqlDatabase, type SqlSchema } from './sql-database';
import { migrateToLatest } from './sql-migrations';

const DAY_MS = 24 * 3600_000;
const cipher = new TokenCipher({ encryptionKeys: [Buffer.alloc(32, 7)] } as TokensConfig);

const aConnection = (endUserId: string): Connection => ({ id: randomToken(), userId: `usr${randomToken().slice(0, 14)}`, scopes: [], status: 'reauth_required', createdAt: 1, updatedAt: 1, endUserId });

describe.each(SQL_DIALECTS)('SqlConnectLinkStore on %s', (_dialect, provision) => {
  let db: Kysely<SqlSchema>;
  let remove: () => Promise<void>;
  let clock: FakeClock;
  let store: SqlConnectLinkStore;

  beforeAll(async () => {
    const database = await provision();
    remove = database.remove;
    db = openSqlDatabase(database.options);
    await migrateToLatest(db);
  });
  beforeEach(async () => {
    clock = new FakeClock();
    store = new SqlConnectLinkStore(db, clock, 2_000);
    await db.deleteFrom('connect_links').execute();
  });
  afterAll(async () => {
    await db?.destroy();
    await remove?.();
  });

  it('reads a usable link as often as asked, uses nothing up, and keeps only its hash', async () => {
    const { token } = await store.create({ endUserId: 'u1', returnUrl: 'https://app.example.com/' }, 60_000);
    const [first, second] = await Promise.all([store.usable(token), store.usable(token)]);
    expect(first).toEqual(second);
    expect(first!.link).toEqual({ endUserId: 'u1', returnUrl: 'https://app.example.com/' });
    expect(await store.read(first!.tokenHash)).toEqual(first!.link);
    expect(await store.usable(token)).toBeDefined();
    const rows = await db.selectFrom('connect_links').selectAll().execute();
    expect(rows).toEqual([expect.objectContaining({ used_at: null, connection_id: null })]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await store.usable(randomToken())).toBeUndefined();
  });

  it('is used up by the connection its login stores, and remembers that first connection', async () => {
    const connections = new SqlConnectionStore(db, cipher);
    const { token } = await store.create({ endUserId: 'u3' }, 60_000);
    const { tokenHash } = (await store.usable(token))!;
    const first = aConnection('u3');
    await connections.create(first, { linkHash: tokenHash });
    expect(await store.usable(token)).toBeUndefined();
    expect(await store.read(tokenHash)).toEqual({ endUserId: 'u3', connectionId: first.id });
    // A second login through it, finishing later, may renew that connection but not make another.
    const second = aConnection('u3');
    await expect(connections.create(second, { linkHash: tokenHash })).rejects.toMatchObject({ code: 'connect_link_used' });
    expect(await connections.get(second.id)).toBeUndefined();
    expect(await connections.update({ ...first, version: 1 }, { linkHash: tokenHash })).toBe(true);
    expect(await store.read(tokenHash)).toEqual({ endUserId: 'u3', connectionId: first.id });
  });

  it('is not usable once expired', async () => {
    const { token, expiresAt } = await store.create({ endUserId: 'u2' }, 60_000);
    clock.set(expiresAt - 1);
    expect(await store.usable(token)).toBeDefined();
    clock.set(expiresAt);
    expect(await store.usable(token)).toBeUndefined();
  });

  it('purges links a day past their expiry, at most `limit` at a time', async () => {
    for (let n = 0; n < 3; n++) await store.create({ endUserId: `old-${n}` }, 60_000);
    clock.advance(60_000 + DAY_MS);
    const { token } = await store.create({ endUserId: 'recent' }, 60_000);
    clock.advance(1);
    expect(await store.purge(2)).toBe(2);
    expect(await store.purge(2)).toBe(1);
    expect(await store.purge(2)).toBe(0);
    expect((await store.usable(token))?.link).toEqual({ endUserId: 'recent' });
  });
});
