import type { Keyv } from 'keyv';
import { randomToken } from '../common/random';
import type { Environment } from '../config/env-reader';
import { FakeClock } from '../../test/support/fake-clock';
import { REDIS_URL, testPrefix } from '../../test/support/redis';
import { openStorage } from '../../test/support/storage';
import { PENDING_LOGINS, SCHEMA_CACHE } from './storage.tokens';

/** Both namespaces keep their entries for one second unless a set says otherwise. */
const ONE_SECOND_TTL = { AUTH_REQUEST_TTL_SECONDS: '1', AIRTABLE_SCHEMA_CACHE_SECONDS: '1' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the schema cache holds: an Airtable answer and when it was fetched. */
const schemaEntry = () => ({
  value: { tables: [{ id: 'tbl00000000000001', name: 'Tasks', fields: [{ name: 'Done', type: 'checkbox', options: null }] }], offset: 3 },
  storedAt: Date.now(),
});

const clock = new FakeClock();

// In memory the entries expire by the injected clock, which the tests move; Redis expires them by its
// own TTLs, so there the tests wait.
describe.each<[string, Environment, (ms: number) => Promise<unknown>]>([
  ['memory', ONE_SECOND_TTL, async (ms) => clock.advance(ms)],
  ['Redis', { ...ONE_SECOND_TTL, REDIS_URL, REDIS_KEY_PREFIX: testPrefix() }, sleep],
])('Keyv namespaces in %s', (_name, env, pass) => {
  let storage: Awaited<ReturnType<typeof openStorage>>;

  beforeAll(async () => {
    storage = await openStorage(env, { clock });
  });
  afterAll(() => storage.close());

  describe.each([
    ['pending logins', PENDING_LOGINS],
    ['schema cache', SCHEMA_CACHE],
  ])('%s', (_namespace, token) => {
    let keyv: Keyv;
    beforeAll(() => (keyv = storage.get<Keyv>(token)));

    it('hands back the strings and objects it was given, the last one set under a key', async () => {
      const [text, object] = [randomToken(), randomToken()];
      const login = `${randomToken()} ${randomToken()} /a path?with=query&and spaces, ünïcode`;
      await keyv.set(text, 'replaced');
      await keyv.set(text, login);
      const entry = schemaEntry();
      await keyv.set(object, entry);
      expect(await keyv.get<string>(text)).toBe(login);
      expect(await keyv.get(object)).toEqual(entry);
      expect(await keyv.get(randomToken())).toBeUndefined();
    });

    it("drops an entry once the namespace's TTL has passed", async () => {
      const key = randomToken();
      await keyv.set(key, 'short-lived');
      await pass(700);
      expect(await keyv.get(key)).toBe('short-lived');
      await pass(450);
      expect(await keyv.get(key)).toBeUndefined();
      expect(await keyv.delete(key)).toBe(false);
    });

    it('drops an entry once the TTL given with it has passed', async () => {
      const key = randomToken();
      await keyv.set(key, schemaEntry(), 300);
      await pass(400);
      expect(await keyv.get(key)).toBeUndefined();
    });

    it('says true when delete removed a live entry, and false after it and for a key never set', async () => {
      const key = randomToken();
      await keyv.set(key, 'once');
      expect(await keyv.delete(key)).toBe(true);
      expect(await keyv.get(key)).toBeUndefined();
      expect(await keyv.delete(key)).toBe(false);
      expect(await keyv.delete(randomToken())).toBe(false);
    });

    // The single-use gate of a login: of concurrent callbacks for one state, only the one whose delete
    // removed the entry may go on.
    it('says true to exactly one of 10 simultaneous deletes of one key', async () => {
      const key = randomToken();
      await keyv.set(key, 'once');
      const removed = await Promise.all(Array.from({ length: 10 }, () => keyv.delete(key)));
      expect(removed.filter(Boolean)).toHaveLength(1);
    });
  });

  it("keeps each namespace's keys out of the other", async () => {
    const pending = storage.get<Keyv>(PENDING_LOGINS);
    const schemas = storage.get<Keyv>(SCHEMA_CACHE);
    const [shared, schemaOnly] = [randomToken(), randomToken()];
    await pending.set(shared, 'a pending login');
    await schemas.set(shared, 'a schema');
    await schemas.set(schemaOnly, 'another schema');
    expect(await pending.get(shared)).toBe('a pending login');
    expect(await schemas.get(shared)).toBe('a schema');
    expect(await pending.get(schemaOnly)).toBeUndefined();
    expect(await pending.delete(schemaOnly)).toBe(false);
    expect(await pending.delete(shared)).toBe(true);
    expect(await schemas.get(shared)).toBe('a schema');
    expect(await schemas.get(schemaOnly)).toBe('another schema');
  });
});
