import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * Builds once per test run what the tests run as real processes or import as a package: the sandbox
 * package (the service's tests use it as `airtable-sandbox`, from its dist/) and the service, into a
 * folder of its own so a running `dist/` is left alone.
 */
export default function setup(): void {
  execFileSync('npm', ['run', 'build', '--silent', '-w', 'airtable-sandbox'], { cwd: ROOT, stdio: 'inherit' });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(ROOT, 'test-output', 'service-build')], { cwd: ROOT, stdio: 'inherit' });
}
