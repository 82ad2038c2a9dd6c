import { readFileSync } from 'node:fs';
import { tempDemoDir } from './support/demo-dir';
import { isSandboxModule, ModuleProbe } from './support/module-probe';
import { ServiceProcess, runUntilExit, startServiceProcess } from './support/service-process';
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

  it.each([['production'], ['development'], [undefined]])('refuses AIRTABLE_SANDBOX=true (NODE_ENV=%s), pointing at npm run demo, and exits 1', async (nodeEnv) => {
    const probe = new ModuleProbe();
    const { code, output } = await runUntilExit(
      {
        ...(nodeEnv ? { NODE_ENV: nodeEnv } : {}),
        ...probe.env,
        AIRTABLE_SANDBOX: 'true',
        AIRTABLE_CLIENT_ID: 'real-client-id',
        SESSION_SECRET,
        TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
        PORT: String(await freePort()),
      },
      { nodeArgs: probe.nodeArgs },
    );
    expect(code).toBe(1);
    expect(output).toContain('AIRTABLE_SANDBOX is not read by `node dist/main.js`');
    expect(output).toContain('npm run demo');
    expect(output).not.toMatch(/SANDBOX MODE|\n\s+at /);
    expect(probe.listens).toEqual([]);
    expect(probe.modules.filter(isSandboxModule)).toEqual([]);
  });

  it('without any configuration exits 1 with one plain message naming AIRTABLE_CLIENT_ID and npm run demo, binding no port and starting no sandbox', async () => {
    const probe = new ModuleProbe();
    const { code, output } = await runUntilExit({ ...probe.env }, { nodeArgs: probe.nodeArgs });
    expect(code).toBe(1);
    expect(output).toMatch(/^The service cannot start with this configuration:\n/);
    expect(output).toContain('AIRTABLE_CLIENT_ID is required');
    expect(output).toContain('Set AIRTABLE_CLIENT_ID');
    expect(output).toContain('run `npm run demo`');
    expect(output).not.toMatch(/SANDBOX MODE|\n\s+at |Nest|ERROR|\{"level"/);
    expect(probe.modules.length).toBeGreaterThan(0);
    expect(probe.listens).toEqual([]);
    expect(probe.modules.filter(isSandboxModule)).toEqual([]);
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

  it('as the demo listens on loopback only, whatever client id the environment has', async () => {
    const port = await freePort();
    const service = new ServiceProcess({ AIRTABLE_CLIENT_ID: 'given', PORT: String(port), SANDBOX_PORT: '0', LOG_LEVEL: 'silent', DEMO_DIR: tempDemoDir() }, { entry: 'demo.js' });
    try {
      await service.start(`http://127.0.0.1:${port}/health`);
      expect(listeningAddresses(port)).toEqual([LOOPBACK_V4]);
      expect(service.logs).toContain('SANDBOX MODE');
    } finally {
      await service.kill();
    }
  });

  it('says at start that connections stay in a local SQLite file when REDIS_URL is set without DATABASE_URL', async () => {
    const running = await startServiceProcess({ env: { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `startup-${process.pid}:` } });
    try {
      expect(running.service.logs).toContain('REDIS_URL is set but DATABASE_URL is not');
    } finally {
      await running.stop();
    }
  });
});
