import { Test } from '@nestjs/testing';
import { ConfigModule } from '@nestjs/config';
import { AppCacheModule } from '../cache/cache.module';
import { ErrorCode } from '../common/app-error';
import { randomToken } from '../common/random';
import { authConfig } from '../config/auth.config';
import { redisConfig } from '../config/redis.config';
import { RedisModule } from '../redis/redis.module';
import { PendingAuthStore } from './pending-auth.store';

async function createStore(): Promise<PendingAuthStore> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [authConfig, redisConfig] }), RedisModule, AppCacheModule],
    providers: [PendingAuthStore],
  }).compile();
  return moduleRef.get(PendingAuthStore);
}

const request = (bindingHash: string) => ({ codeVerifier: randomToken(), bindingHash, returnTo: '/a path?with=query&and spaces' });

describe('PendingAuthStore', () => {
  it('hands a pending login to exactly one of many simultaneous takers', async () => {
    const store = await createStore();
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
    const store = await createStore();
    const state = randomToken();
    const saved = request('owner');
    await store.save(state, saved);
    await expect(store.take(state, 'intruder')).rejects.toMatchObject({ code: ErrorCode.BrowserMismatch });
    await expect(store.take(state, 'owner')).resolves.toEqual(saved);
    await expect(store.take(state, 'owner')).rejects.toMatchObject({ code: ErrorCode.InvalidState });
  });
});
