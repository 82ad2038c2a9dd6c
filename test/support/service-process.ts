import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BUILD = join(ROOT, 'test-output', 'service-build');

/** Compiles the service once per test file into its own folder (dist/ is left alone). */
export function buildService(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** The built service as a real process, as `npm run start:prod` runs it. */
export class ServiceProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(private readonly env: Record<string, string>) {}

  async start(url: string): Promise<void> {
    this.child = spawn(process.execPath, [join(BUILD, 'main.js')], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', ...this.env },
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
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  get logs(): string {
    return this.output;
  }
}
