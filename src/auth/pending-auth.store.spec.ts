import { CACHE_MANAGER } from '@nestjs/cache-manager';
import type { Cache } from 'cache-manager';
import { AppCacheModule } from '../cache/cache.module';
import { ErrorCode } from '../common/app-error';
import { randomToken } from '../common/random';
import { REDIS_URL, testPrefix } from '../../test/support/redis';
import { openStorage } from '../../test/support/storage';
import { PendingAuthStore } from './pending-auth.store';

const request = (bindingHash: string) => ({ codeVerifier: randomToken(), bindingHash, returnTo: '/a path?with=query&and spaces' });

describe.each([
  ['in memory', {}],
  ['in Redis', { REDIS_URL, REDIS_KEY_PREFIX: testPrefix() }],
])('PendingAuthStore %s', (_name, env: Record<string, string>) => {
  let store: PendingAuthStore;
  let storage: Awaited<ReturnType<typeof openStorage>>;

  beforeAll(async () => {
    storage = await openStorage(env, { imports: [AppCacheModule], providers: [PendingAuthStore] });
    store = storage.get(PendingAuthStore);
  });
  afterAll(() => storage.close());

  it('hands a pending login to exactly one of many simultaneous takers', async () => {
    const state = randomToken();
    await store.save(state, request('binding'));
    // All takes start in the same tick, so each reads the entry before any of them removes it.
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.take(state, 'binding')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason.code).toBe(ErrorCode.InvalidState);
    }
  });

  it("keeps a connect link's hash and token with the login, and reads logins saved in the formats before", async () => {
    const raw = storage.get<Cache>(CACHE_MANAGER).stores[0];
    const state = randomToken();
    const linked = { ...request('owner'), connectLink: 'a'.repeat(64), connectToken: randomToken() };
    await store.save(state, linked);
    await expect(store.take(state, 'owner')).resolves.toEqual(linked);
    // Before links kept their token: verifier, binding hash, link hash, return path.
    const withHash = randomToken();
    const { codeVerifier } = request('owner');
    await raw.set(`auth:${withHash}`, `${codeVerifier} owner ${'b'.repeat(64)} /`);
    await expect(store.take(withHash, 'owner')).resolves.toEqual({ codeVerifier, bindingHash: 'owner', returnTo: '/', connectLink: 'b'.repeat(64) });
    // Before connect links: verifier, binding hash, return path.
    const old = randomToken();
    await raw.set(`auth:${old}`, `${codeVerifier} owner /a path with spaces`);
    await expect(store.take(old, 'owner')).resolves.toEqual({ codeVerifier, bindingHash: 'owner', returnTo: '/a path with spaces' });
  });

  it('leaves the entry untouched for a taker with another binding', async () => {
    const state = randomToken();
    const saved = request('owner');
    await store.save(state, saved);
    await expect(store.take(state, 'intruder')).rejects.toMatchObject({ code: ErrorCode.BrowserMismatch });
    await expect(store.take(state, 'owner')).resolves.toEqual(saved);
    await expect(store.take(state, 'owner')).rejects.toMatchObject({ code: ErrorCode.InvalidState });
  });

  it('knows nothing of a state it never saw', async () => {
    await expect(store.take(randomToken(), 'owner')).rejects.toMatchObject({ code: ErrorCode.InvalidState });
  });
});
