import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDemoDir } from './support/demo-dir';
import { emptyWorkingDir, SERVICE_BUILD } from './support/service-process';
import { tempDatabase } from './support/stack';

/** The built CLI with exactly `env` (plus PATH), in `cwd` (an empty folder unless given), its exit status and what it printed. */
function runCli(args: string[], env: Record<string, string> = {}, cwd = emptyWorkingDir()) {
  const run = spawnSync(process.execPath, [join(SERVICE_BUILD, 'cli.js'), ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run cli', () => {
  it.each([[['--help']], [['-h']], [['api-keys', '--help']], [['api-keys', 'create', '--help']]])('prints its usage for %j and exits 0', (args) => {
    const { status, stdout, stderr } = runCli(args);
    expect(status).toBe(0);
    expect(stdout).toContain('npm run cli -- api-keys create --name NAME --scopes SCOPE[,SCOPE...]');
    expect(stdout).toContain('Scopes: connections:read, connections:write, data:read, data:write, metrics, credentials:read.');
    expect(stderr).toBe('');
  });

  it('refuses a create without --scopes, naming the scopes, before it creates any database', () => {
    const database = tempDatabase();
    const { status, stderr } = runCli(['api-keys', 'create', '--name', 'everything please'], { DATABASE_PATH: database });
    expect(status).toBe(1);
    expect(stderr).toMatch(/^--scopes is required: .*connections:read, connections:write, data:read, data:write, metrics, credentials:read\./);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(database)).toBe(false);
  });

  it('refuses a create with nothing configured without creating the demo folder', () => {
    const dir = tempDemoDir();
    for (const args of [['api-keys', 'create', '--name', 'everything please'], ['api-keys', 'create', '--scopes', 'metrics'], ['api-keys', 'create', '--name', 'x', '--scopes', 'everything']]) {
      expect(runCli(args, {}, dirname(dir)).status).toBe(1);
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps the demo folder it works on its owner\'s only, whoever made it', () => {
    const fresh = tempDemoDir();
    expect(runCli(['api-keys', 'list'], {}, dirname(fresh)).status).toBe(0);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    expect(existsSync(join(fresh, 'demo.sqlite'))).toBe(true);

    const made = tempDemoDir();
    mkdirSync(made, { mode: 0o755 });
    expect(runCli(['api-keys', 'list'], {}, dirname(made)).status).toBe(0);
    expect(statSync(made).mode & 0o777).toBe(0o700);
  });

  it('refuses an unknown command or option with its usage, and exits 1', () => {
    for (const args of [[], ['keys', 'list'], ['api-keys', 'rotate'], ['api-keys', 'list', '--everything']]) {
      const { status, stderr } = runCli(args, { DATABASE_PATH: tempDatabase() });
      expect(status).toBe(1);
      expect(stderr).toContain('Usage:');
    }
  });
});
