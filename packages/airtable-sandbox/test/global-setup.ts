import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';

const PACKAGE = join(__dirname, '..');

/** Builds dist/ once per run, for the specs that run the command as its users do. */
export default function setup(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(PACKAGE, 'tsconfig.build.json')], { cwd: PACKAGE, stdio: 'inherit' });
  // A fresh build is not executable, and `npx airtable-sandbox` runs the file itself.
  chmodSync(join(PACKAGE, 'dist', 'cli.js'), 0o755);
}
