import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import request from 'supertest';
import type { AirtableSandbox } from 'airtable-sandbox';
import { TestBrowser } from './support/browser';
import { tempDemoDir } from './support/demo-dir';
import { isSandboxModule, ModuleProbe } from './support/module-probe';
import { runUntilExit, SERVICE_BUILD, ServiceProcess } from './support/service-process';
import { freePort } from './support/stack';

const CRM = 'appSandboxCRM0001';
const BANNER_END = /Ctrl-C stops the demo\.\n\s+=+\n/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `npm run demo` as a process (built once per run), on `port`, keeping its state in `dir`. */
async function startDemo(port: number, dir: string, options: { nodeArgs?: string[]; env?: Record<string, string> } = {}) {
  const demo = new ServiceProcess({ PORT: String(port), SANDBOX_PORT: '0', DEMO_DIR: dir, ...options.env }, { entry: 'demo.js', nodeArgs: options.nodeArgs });
  await demo.start(`http://127.0.0.1:${port}/health`);
  const deadline = Date.now() + 10_000;
  while (!BANNER_END.test(demo.logs)) {
    if (Date.now() > deadline) throw new Error(`No banner: ${demo.logs}`);
    await sleep(50);
  }
  const key = /Demo API key \(every scope but credentials:read\): (atsk_[A-Za-z0-9_-]{43})/.exec(demo.logs)![1];
  const sandboxUrl = /Airtable is emulated locally at (http:\/\/\S+)/.exec(demo.logs)![1];
  return { demo, key, sandboxUrl };
}

describe('npm run demo', () => {
  const running: ServiceProcess[] = [];
  afterEach(async () => {
    for (const demo of running.splice(0)) await demo.kill();
  });

  it('prints a readable log with its banner after every start-up line, and loads the sandbox (the probe sees it)', async () => {
    const probe = new ModuleProbe();
    const port = await freePort();
    const dir = tempDemoDir();
    const { demo } = await startDemo(port, dir, { nodeArgs: probe.nodeArgs, env: probe.env });
    running.push(demo);
    const lines = demo.logs.split('\n');
    const bannerAt = lines.findIndex((line) => line.includes('SANDBOX MODE'));
    const startedAt = lines.findIndex((line) => line.includes('Nest application successfully started'));
    expect(startedAt).toBeGreaterThan(0);
    expect(bannerAt).toBeGreaterThan(startedAt);
    expect(lines.slice(bannerAt).some((line) => /RoutesResolver|RouterExplorer|InstanceLoader/.test(line))).toBe(false);
    // pino-pretty's lines, not JSON: a time, a level and the message.
    expect(lines[startedAt]).toMatch(/^\[\d\d:\d\d:\d\d(\.\d+)?\] INFO.*: \[NestApplication\] Nest application successfully started/);
    expect(demo.logs).not.toContain('{"level"');
    expect(lines.slice(bannerAt)).toContain(`   Database: ${join(dir, 'demo.sqlite')}`);
    expect(probe.modules.some(isSandboxModule)).toBe(true);
  });

  it('keeps its connections, sessions and key across a restart, keeps its secrets private, and stops on Ctrl-C', async () => {
    const dir = tempDemoDir();
    // Made before the demo with a usual mode (as by hand): the demo tightens it all the same.
    mkdirSync(dir, { mode: 0o755 });
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const first = await startDemo(port, dir);
    running.push(first.demo);
    const browser = new TestBrowser({ origin, sandbox: { url: first.sandboxUrl } as AirtableSandbox });
    expect((await browser.signIn({ bases: [CRM] })).status).toBe(303);
    const auth = { Authorization: `Bearer ${first.key}` };
    const [connection] = (await request(origin).get('/api/connections').set(auth).expect(200)).body.connections;
    await request(origin).get(`/api/connections/${connection.id}/bases/${CRM}/tables`).set(auth).expect(200);

    expect(await first.demo.stop('SIGINT')).toBe(0);
    await expect(fetch(`${first.sandboxUrl}/v0/meta/whoami`)).rejects.toThrow();
    await expect(fetch(`${origin}/health`)).rejects.toThrow();
    for (const file of ['secrets.json', 'demo.sqlite', 'sandbox.json']) expect(statSync(join(dir, file)).isFile()).toBe(true);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);

    const second = await startDemo(port, dir);
    running.push(second.demo);
    expect(second.key).toBe(first.key);
    // The browser's session, the connection's sealed tokens and the sandbox's grant all came back.
    expect((await browser.agent.get('/me').expect(200)).body.id).toBe(connection.airtableUserId);
    expect((await request(origin).get('/api/connections').set(auth).expect(200)).body.connections.map((c: { id: string }) => c.id)).toEqual([connection.id]);
    await request(origin).get(`/api/connections/${connection.id}/bases/${CRM}/tables`).set(auth).expect(200);
    const keys = execFileSync(process.execPath, [join(SERVICE_BUILD, 'cli.js'), 'api-keys', 'list'], { cwd: dirname(dir), env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(keys.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('accepts a key that `npm run cli` made before its first run with nothing configured (the demo folder of the working directory)', async () => {
    const dir = tempDemoDir();
    const created = execFileSync(process.execPath, [join(SERVICE_BUILD, 'cli.js'), 'api-keys', 'create', '--name', 'from the cli', '--scopes', 'connections:read'], {
      cwd: dirname(dir),
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const port = await freePort();
    const { demo } = await startDemo(port, dir);
    running.push(demo);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const key = created.trim().split('\n').at(-1)!;
    expect((await fetch(`http://127.0.0.1:${port}/api/connections`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/api/connect-sessions`, { method: 'POST', headers: { authorization: `Bearer ${key}` } })).status).toBe(403);
  });

  it.each(['abc', '-1', '65536'])('refuses SANDBOX_PORT=%s in one plain line before starting or writing anything, and exits 1', async (value) => {
    const dir = tempDemoDir();
    const { code, output } = await runUntilExit({ PORT: String(await freePort()), SANDBOX_PORT: value, DEMO_DIR: dir }, { entry: 'demo.js' });
    expect(code).toBe(1);
    expect(output).toBe(`SANDBOX_PORT must be a whole number from 0 to 65535 (0: any free port), got "${value}".\n`);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a corrupt secrets.json in one plain line naming the file, and exits 1', async () => {
    const dir = tempDemoDir();
    mkdirSync(dir);
    writeFileSync(join(dir, 'secrets.json'), '{"SESSION_SECRET": "cut off');
    const { code, output } = await runUntilExit({ PORT: String(await freePort()), SANDBOX_PORT: '0', DEMO_DIR: dir }, { entry: 'demo.js' });
    expect(code).toBe(1);
    expect(output.startsWith(`The demo cannot read ${join(dir, 'secrets.json')} (`)).toBe(true);
    expect(output).toContain('Fix it, or delete it to start with new secrets');
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).not.toMatch(/SyntaxError|\n\s+at |SANDBOX MODE/);
    expect(readdirSync(dir)).toEqual(['secrets.json']);
  });
});
