import { readFileSync } from 'node:fs';
import { ServiceProcess, runUntilExit } from './support/service-process';
import { ENCRYPTION_KEY, freePort, SESSION_SECRET } from './support/stack';

/** The local addresses with a listening TCP socket on `port`, read from the kernel's socket tables. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local?.endsWith(`:${hexPort}`)) continue; // 0A: LISTEN
      found.push(local.split(':')[0]);
    }
  }
  return found;
}

const LOOPBACK_V4 = '0100007F';

describe('Starting the service', () => {

  it('refuses AIRTABLE_SANDBOX=true under NODE_ENV=production, in plain words, and exits 1', async () => {
    const { code, output } = await runUntilExit({
      NODE_ENV: 'production',
      AIRTABLE_SANDBOX: 'true',
      AIRTABLE_CLIENT_ID: 'real-client-id',
      SESSION_SECRET,
      TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
      PORT: String(await freePort()),
    });
    expect(code).toBe(1);
    expect(output).toContain('AIRTABLE_SANDBOX=true is refused with NODE_ENV=production');
    expect(output).not.toMatch(/SANDBOX MODE|no Airtable credentials given|\n\s+at /);
  });

  it('names every bad variable of every namespace at once, in plain words, and exits 1', async () => {
    const { code, output } = await runUntilExit({
      NODE_ENV: 'production',
      PORT: 'eighty',
      AIRTABLE_API_URL: 'http://api.example',
      DATABASE_URL: 'mysql://db',
      REDIS_URL: 'localhost',
    });
    expect(code).toBe(1);
    for (const problem of [
      'SESSION_SECRET is required',
      'PORT must be a whole number',
      'AIRTABLE_CLIENT_ID is required',
      'AIRTABLE_API_URL must use https://',
      'TOKEN_ENCRYPTION_KEY is required',
      'DATABASE_URL must start with postgres://',
      'REDIS_URL must start with redis://',
    ]) {
      expect(output).toContain(problem);
    }
    expect(output).not.toMatch(/\n\s+at |Nest|ERROR/);
  });

  it('in sandbox mode listens on loopback only, and says why the sandbox runs', async () => {
    const port = await freePort();
    const service = new ServiceProcess({ NODE_ENV: 'development', AIRTABLE_SANDBOX: 'true', AIRTABLE_CLIENT_ID: 'given', PORT: String(port), SANDBOX_PORT: '0', LOG_LEVEL: 'silent' });
    try {
      await service.start(`http://127.0.0.1:${port}/health`);
      expect(listeningAddresses(port)).toEqual([LOOPBACK_V4]);
      expect(service.logs).toContain('SANDBOX MODE: AIRTABLE_SANDBOX=true');
      expect(service.logs).not.toContain('no Airtable credentials given');
    } finally {
      await service.kill();
    }
  });

  it('in sandbox mode prints a demo API key that works', async () => {
    const port = await freePort();
    const service = new ServiceProcess({ NODE_ENV: 'development', AIRTABLE_SANDBOX: 'true', PORT: String(port), SANDBOX_PORT: '0', LOG_LEVEL: 'silent' });
    try {
      await service.start(`http://127.0.0.1:${port}/health`);
      const deadline = Date.now() + 5_000;
      while (!/Demo API key/.test(service.logs) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const key = /Demo API key \(every scope\): (atsk_[A-Za-z0-9_-]{43})/.exec(service.logs)![1];
      const res = await fetch(`http://127.0.0.1:${port}/api/connections`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ connections: [] });
    } finally {
      await service.kill();
    }
  });

  it('says at start that connections stay in a local SQLite file when REDIS_URL is set without DATABASE_URL', async () => {
    const port = await freePort();
    const service = new ServiceProcess({
      NODE_ENV: 'development',
      AIRTABLE_SANDBOX: 'true',
      PORT: String(port),
      SANDBOX_PORT: '0',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `startup-${port}:`,
    });
    try {
      await service.start(`http://127.0.0.1:${port}/health`);
      expect(service.logs).toContain('REDIS_URL is set but DATABASE_URL is not');
    } finally {
      await service.kill();
    }
  });
});
