import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Clock } from '../../src/common/clock';
import { CommonModule } from '../../src/common/common.module';
import { ConfigModule } from '../../src/config/config.module';
import type { Environment } from '../../src/config/env-reader';
import { StorageModule } from '../../src/storage/storage.module';
import { testConfig } from './config';
import { deleteKeys } from './redis';

/**
 * The storage layer as the application builds it, for one configuration: `get` what it provides,
 * `close` it and delete the Redis keys it wrote under its prefix.
 */
export async function openStorage(env: Environment, extra: Pick<ModuleMetadata, 'imports' | 'providers'> & { clock?: Clock } = {}) {
  const config = testConfig(env);
  const builder = Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), CommonModule, StorageModule.forRoot(config), ...(extra.imports ?? [])],
    providers: extra.providers ?? [],
  });
  if (extra.clock) builder.overrideProvider(Clock).useValue(extra.clock);
  const moduleRef: TestingModule = await builder.compile();
  await moduleRef.init();
  return {
    get: moduleRef.get.bind(moduleRef) as TestingModule['get'],
    async close() {
      await moduleRef.close();
      if (config.redis.url) await deleteKeys(config.redis.keyPrefix);
    },
  };
}
