import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What test/support/module-probe.cjs saw a process do: the module files it loaded and the ports it listened on. */
export class ModuleProbe {
  readonly file = join(mkdtempSync(join(tmpdir(), 'module-probe-')), 'probe.log');
  /** The node options that load the probe, and the environment that tells it where to write. */
  readonly nodeArgs = ['--require', join(__dirname, 'module-probe.cjs')];
  readonly env = { PROBE_FILE: this.file };

  private lines(kind: 'load' | 'listen'): string[] {
    if (!existsSync(this.file)) return [];
    const prefix = `${kind} `;
    return readFileSync(this.file, 'utf8').split('\n').filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length));
  }

  get modules(): string[] {
    return this.lines('load');
  }

  get listens(): string[] {
    return this.lines('listen');
  }
}

/** Whether a loaded file is the sandbox package's, however it was reached (the workspace folder or its node_modules link). */
export const isSandboxModule = (path: string) => /[\\/](packages|node_modules)[\\/]airtable-sandbox[\\/]/.test(path);
