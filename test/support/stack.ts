import type { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { Clock } from '../../src/common/clock';
import { configureApp } from '../../src/app.setup';
import { APP_OPTIONS, createHttpAdapter } from '../../src/http-adapter';
import { sandboxEnv } from './sandbox-env';
import { type AirtableSandbox, ALL_SCOPES, SANDBOX_CLIENT_ID, type SandboxOptions, startSandbox } from 'airtable-sandbox';
import { testConfig } from './config';
import { createTestDatabase } from './postgres';
import { deleteKeys, REDIS_URL, testPrefix } from './redis';

export { ENCRYPTION_KEY, SESSION_SECRET } from './config';

export interface StackOptions {
  /** Registers the sandbox client as confidential with this secret (and configures the service with it). */
  clientSecret?: string;
  /** Extra or overriding service settings. */
  env?: Record<string, string>;
  sandbox?: Partial<SandboxOptions>;
  /** Use this running sandbox (left running on close) instead of starting one. */
  sandboxInstance?: AirtableSandbox;
  /** Listen on this port (e.g. to stand in for an instance that was stopped). */
  port?: number;
  /** The service's clock, and the sandbox's too when the stack starts it: a test moves it instead of waiting. */
  clock?: Clock;
}

/** The real service (Nest app, production pipeline) wired to a real sandbox on a random port. */
export interface Stack {
  app: INestApplication;
  sandbox: AirtableSandbox;
  /** Where the service listens, e.g. http://127.0.0.1:40123. */
  origin: string;
  redirectUri: string;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // A free port can be taken by a parallel test file before this one listens on it: then take another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStackOn(options.port ?? (await freePort()), options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port !== undefined || attempt === 5) throw error;
    }
  }
}

async function startStackOn(port: number, options: StackOptions): Promise<Stack> {
  const origin = `http://127.0.0.1:${port}`;
  const redirectUri = `${origin}/airtable-oauth`;
  const sandbox =
    options.sandboxInstance ??
    (await startSandbox({
      port: 0,
      clients: [{ clientId: SANDBOX_CLIENT_ID, clientSecret: options.clientSecret, redirectUris: [redirectUri], scopes: ALL_SCOPES }],
      clock: options.clock,
      ...options.sandbox,
    }));
  const fleetStores = await fleetStoresFor(options.env ?? {});
  const config = testConfig({
    ...sandboxEnv(sandbox),
    AIRTABLE_REDIRECT_URI: redirectUri,
    HTTP_ADAPTER: process.env.HTTP_ADAPTER ?? 'express',
    // Tests sign in far more often than a person; the limit has tests of its own.
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    ...fleetStores?.env,
    ...options.env,
  });
  const builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  if (options.clock) builder.overrideProvider(Clock).useValue(options.clock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication(createHttpAdapter(config.http), { ...APP_OPTIONS, logger: false });
  configureApp(app);
  const close = async () => {
    await app.close();
    if (!options.sandboxInstance) await sandbox.stop();
    await fleetStores?.remove();
  };
  try {
    await app.listen(port, '127.0.0.1');
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return {
    app,
    sandbox,
    origin,
    redirectUri,
    close,
  };
}

/**
 * With TEST_STORES=postgres+redis (CI runs the suites once so), every stack whose test does not pick
 * its own stores gets a fresh PostgreSQL database and a Redis prefix of its own, both removed on close.
 */
async function fleetStoresFor(env: Record<string, string>) {
  if (process.env.TEST_STORES !== 'postgres+redis' || 'DATABASE_PATH' in env || 'DATABASE_URL' in env || 'REDIS_URL' in env) return undefined;
  const database = await createTestDatabase();
  const prefix = testPrefix();
  return {
    env: { DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix },
    async remove() {
      await deleteKeys(prefix);
      await database.drop();
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fresh SQLite file path in a folder of its own. */
export function tempDatabase(): string {
  return join(mkdtempSync(join(tmpdir(), 'airtable-service-')), 'store.sqlite');
}

/** `startStack` for tests that start several stacks: all of them are closed after each test. */
export function stacksClosedAfterEach(): (options: StackOptions) => Promise<Stack> {
  let stacks: Stack[] = [];
  afterEach(async () => {
    await Promise.all(stacks.map((s) => s.close()));
    stacks = [];
  });
  return async (options) => {
    const stack = await startStack(options);
    stacks.push(stack);
    return stack;
  };
}

/** Stores that several stacks share, as a fleet does; `remove` deletes them after the test. */
export interface SharedStores {
  env: Record<string, string>;
  remove: () => Promise<void>;
}

/** For `it.each`: one SQLite file, or one PostgreSQL database and a Redis prefix, for a fleet of stacks. */
export const SHARED_STORES: [string, () => Promise<SharedStores>][] = [
  ['one SQLite file', async () => ({ env: { DATABASE_PATH: tempDatabase() }, remove: async () => undefined })],
  [
    'PostgreSQL and Redis',
    async () => {
      const database = await createTestDatabase();
      const prefix = testPrefix();
      const remove = async () => {
        await deleteKeys(prefix);
        await database.drop();
      };
      return { env: { DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix }, remove };
    },
  ],
];
