import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SERVICE_BUILD } from './support/service-process';
import { tempDatabase } from './support/stack';

/** The built CLI with exactly `env` (plus PATH), its exit status and what it printed. */
function runCli(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [join(SERVICE_BUILD, 'cli.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run cli', () => {
  it.each([[['--help']], [['-h']], [['api-keys', '--help']], [['api-keys', 'create', '--help']]])('prints its usage for %j and exits 0', (args) => {
    const { status, stdout, stderr } = runCli(args);
    expect(status).toBe(0);
    expect(stdout).toContain('npm run cli -- api-keys create --name NAME --scopes SCOPE[,SCOPE...]');
    expect(stdout).toContain('Scopes: connections:read, connections:write, data:read, data:write, metrics.');
    expect(stderr).toBe('');
  });

  it('refuses a create without --scopes, naming the scopes, and stores no key', () => {
    const database = tempDatabase();
    const { status, stderr } = runCli(['api-keys', 'create', '--name', 'everything please'], { DATABASE_PATH: database });
    expect(status).toBe(1);
    expect(stderr).toMatch(/^--scopes is required: .*connections:read, connections:write, data:read, data:write, metrics\./);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(runCli(['api-keys', 'list'], { DATABASE_PATH: database }).stdout).toBe('');
  });

  it('refuses an unknown command or option with its usage, and exits 1', () => {
    for (const args of [[], ['keys', 'list'], ['api-keys', 'rotate'], ['api-keys', 'list', '--everything']]) {
      const { status, stderr } = runCli(args, { DATABASE_PATH: tempDatabase() });
      expect(status).toBe(1);
      expect(stderr).toContain('Usage:');
    }
  });
});
