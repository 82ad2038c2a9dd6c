import { Test } from '@nestjs/testing';
import { AppCacheModule } from '../cache/cache.module';
import { ErrorCode } from '../common/app-error';
import { randomToken } from '../common/random';
import { ConfigModule } from '../config/config.module';
import { StorageModule } from '../storage/storage.module';
import { testConfig } from '../../test/support/config';
import { deleteKeys, REDIS_URL, testPrefix } from '../../test/support/redis';
import { PendingAuthStore } from './pending-auth.store';
import { CommonModule } from '../common/common.module';

const request = (bindingHash: string) => ({ codeVerifier: randomToken(), bindingHash, returnTo: '/a path?with=query&and spaces' });

describe.each([
  ['in memory', {}],
  ['in Redis', { REDIS_URL, REDIS_KEY_PREFIX: testPrefix() }],
])('PendingAuthStore %s', (_name, env: Record<string, string>) => {
  let store: PendingAuthStore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const config = testConfig(env);
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), CommonModule, StorageModule.forRoot(config), AppCacheModule],
      providers: [PendingAuthStore],
    }).compile();
    await moduleRef.init();
    store = moduleRef.get(PendingAuthStore);
    close = () => moduleRef.close();
  });
  afterAll(async () => {
    await close();
    if (env.REDIS_KEY_PREFIX) await deleteKeys(env.REDIS_KEY_PREFIX);
  });

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
