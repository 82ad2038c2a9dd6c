import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killNow } from './kill-now';
import { sandboxEnv } from './sandbox-env';
import { type AirtableSandbox, ALL_SCOPES, SANDBOX_CLIENT_ID, type SandboxOptions, startSandbox } from 'airtable-sandbox';
import { ENCRYPTION_KEY, freePort, SESSION_SECRET, tempDatabase } from './stack';

const ROOT = join(__dirname, '..', '..');
/** The service as compiled once per test run by test/global-setup.ts. */
export const SERVICE_BUILD = join(ROOT, 'test-output', 'service-build');

/**
 * A fresh, empty working directory for a process: the service reads the `.env` of its working directory,
 * and the repository's is the developer's own, not the test's.
 */
export function emptyWorkingDir(): string {
  return mkdtempSync(join(tmpdir(), 'service-cwd-'));
}

/** The CLI as a user runs it (`npm run cli -- ...`), built, against this database file. */
export function cli(databasePath: string, ...args: string[]): string {
  return execFileSync(process.execPath, [join(SERVICE_BUILD, 'cli.js'), ...args], {
    cwd: emptyWorkingDir(),
    env: { PATH: process.env.PATH ?? '', DATABASE_PATH: databasePath },
    encoding: 'utf8',
  });
}

/** How a process is run: which built entry (main.js: `npm run start:prod`; demo.js: `npm run demo`), with which node options. */
export interface ProcessOptions {
  entry?: 'main.js' | 'demo.js';
  nodeArgs?: string[];
  /** NODE_ENV: production unless given; null runs the process without one. */
  nodeEnv?: string | null;
}

/** The built service as a real process, as `npm run start:prod` runs it. */
export class ServiceProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    private readonly env: Record<string, string>,
    private readonly options: ProcessOptions = {},
  ) {}

  async start(url: string): Promise<void> {
    // The test runner's own NODE_ENV (test) is never passed on.
    const { NODE_ENV: _runner, ...inherited } = process.env;
    const nodeEnv = this.options.nodeEnv === undefined ? 'production' : this.options.nodeEnv;
    this.child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), join(SERVICE_BUILD, this.options.entry ?? 'main.js')], {
      cwd: emptyWorkingDir(),
      env: { ...inherited, ...(nodeEnv === null ? {} : { NODE_ENV: nodeEnv }), ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk) => (this.output += chunk));
    this.child.stderr!.on('data', (chunk) => (this.output += chunk));
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`The service exited: ${this.output}`);
      try {
        await fetch(url);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`The service did not start: ${this.output}`);
  }

  /** kill -9: no shutdown hooks, no chance to flush anything. */
  kill(): Promise<void> {
    return killNow(this.child);
  }

  /** Sends `signal` (SIGINT: Ctrl-C) and resolves with the exit code, or kills it after `ms`. */
  async stop(signal: NodeJS.Signals, ms = 10_000): Promise<number | null> {
    const child = this.child!;
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  get logs(): string {
    return this.output;
  }
}

/** Runs the built service (main.js unless `entry` says) with exactly `env` (plus PATH) until it exits, or kills it after `ms`. */
export async function runUntilExit(
  env: Record<string, string>, { ms = 15_000, nodeArgs = [], entry = 'main.js' }: Pick<ProcessOptions, 'entry' | 'nodeArgs'> & { ms?: number } = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [...nodeArgs, join(SERVICE_BUILD, entry)], {
    cwd: emptyWorkingDir(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}

/** The built service in its own process, on a free port, with its own SQLite file and a sandbox. */
export interface RunningService {
  service: ServiceProcess;
  sandbox: AirtableSandbox;
  origin: string;
  stop(): Promise<void>;
}

export async function startServiceProcess(
  options: { sandbox?: Partial<SandboxOptions>; clientSecret?: string; env?: Record<string, string> } = {},
): Promise<RunningService> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const sandbox = await startSandbox({
    port: 0,
    clients: [{ clientId: SANDBOX_CLIENT_ID, clientSecret: options.clientSecret, redirectUris: [`${origin}/airtable-oauth`], scopes: ALL_SCOPES }],
    ...options.sandbox,
  });
  const service = new ServiceProcess({
    ...sandboxEnv(sandbox),
    AIRTABLE_SANDBOX: 'false',
    PORT: String(port),
    SESSION_SECRET,
    TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
    DATABASE_PATH: tempDatabase(),
    ...options.env,
  });
  await service.start(origin);
  return {
    service,
    sandbox,
    origin,
    async stop() {
      await service.kill();
      await sandbox.stop();
    },
  };
}

/**
 * The environment that runs a process `offset` off the real time (`-2m`), with Debian's libfaketime
 * loaded into it. Preloaded rather than through the `faketime` command, which forks: a SIGKILL to it
 * would leave the service running. Monotonic time is left alone, so timers keep their pace.
 */
export function skewedClock(offset: string): Record<string, string> {
  const library = execFileSync('sh', ['-c', 'ls /usr/lib/*/faketime/libfaketimeMT.so.1']).toString().trim().split('\n')[0];
  return { LD_PRELOAD: library, FAKETIME: offset, DONT_FAKE_MONOTONIC: '1' };
}
