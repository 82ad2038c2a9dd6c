import { type ChildProcess, spawn } from 'node:child_process';
import { createClient } from '@keyv/redis';
import { randomBytes } from 'node:crypto';
import { killNow } from './kill-now';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of this test run's own, so test files sharing one Redis never see each other's keys. */
export function testPrefix(): string {
  return `test-${randomBytes(6).toString('hex')}:`;
}

/** A direct client, to look at what the service wrote and to clean up after a test. */
export async function redisClient(url = REDIS_URL) {
  const client = createClient({ url });
  await client.connect();
  return client;
}

export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<void> {
  const client = await redisClient(url);
  const keys = await client.keys(`${prefix}*`);
  if (keys.length) await client.del(keys);
  await client.close();
}

/** A private redis-server this test can pause, stop and start again without touching anyone else's. */
export class PrivateRedis {
  private child?: ChildProcess;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        const client = await redisClient(this.url);
        await client.close();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error('redis-server did not start');
  }

  stop(): Promise<void> {
    return killNow(this.child);
  }
}
