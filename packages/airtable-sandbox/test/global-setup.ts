import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const PACKAGE = join(__dirname, '..');

/** Builds dist/ once per run, for the specs that run the command as its users do. */
export default function setup(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(PACKAGE, 'tsconfig.build.json')], { cwd: PACKAGE, stdio: 'inherit' });
}
