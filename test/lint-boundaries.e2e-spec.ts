import { join } from 'node:path';
import { ESLint } from 'eslint';

/**
 * The import boundaries of eslint.config.mjs, both ways: planted code at a real path of the project is
 * refused where the boundary forbids it, and the same code where it is allowed gives no finding at all.
 */
const ROOT = join(__dirname, '..');
const eslint = new ESLint({ cwd: ROOT });

/** The rules ESLint reports (each once) for `code` as if it were the file at `path` (from the root). */
async function findings(code: string, path: string): Promise<Array<string | null>> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return [...new Set(result.messages.map((message) => message.ruleId))];
}

const SQL_ADAPTER = "import { SqlApiKeyStore } from '../storage/sql/sql-api-key.store';\nexport const planted = SqlApiKeyStore;\n";
const SANDBOX = "import { startSandbox } from 'airtable-sandbox';\nexport const planted = startSandbox;\n";

describe('lint boundaries', { timeout: 60_000 }, () => {
  describe('storage adapters', () => {
    it.each([
      ['sql', "import { SqlApiKeyStore } from '../storage/sql/sql-api-key.store';\nexport const planted = SqlApiKeyStore;\n"],
      ['redis', "import { RedisService } from '../storage/redis/redis.service';\nexport const planted = RedisService;\n"],
      ['memory', "import { LocalLock } from '../storage/memory/local-lock';\nexport const planted = LocalLock;\n"],
      ['sql, from the root', "import { SqlApiKeyStore } from 'src/storage/sql/sql-api-key.store';\nexport const planted = SqlApiKeyStore;\n"],
    ])('a feature importing the %s adapter is refused', async (_name, code) => {
      expect(await findings(code, 'src/records/planted.ts')).toEqual(['no-restricted-imports']);
    });

    it('an entry file beside the features is refused too (the demo)', async () => {
      const code = "import { SqlApiKeyStore } from './storage/sql/sql-api-key.store';\nexport const planted = SqlApiKeyStore;\n";
      expect(await findings(code, 'src/demo.ts')).toEqual(['no-restricted-imports']);
    });

    it.each(['src/storage/storage.module.ts', 'src/storage/planted.ts', 'src/records/planted.spec.ts'])(
      'the same import in %s is allowed',
      async (path) => {
        expect(await findings(SQL_ADAPTER, path)).toEqual([]);
      },
    );

    it('tests and the cli entry may use adapters', async () => {
      const fromTest = "import { SqlApiKeyStore } from '../src/storage/sql/sql-api-key.store';\nexport const planted = SqlApiKeyStore;\n";
      expect(await findings(fromTest, 'test/planted.e2e-spec.ts')).toEqual([]);
      const fromCli = "import { SqlApiKeyStore } from './storage/sql/sql-api-key.store';\nexport const planted = SqlApiKeyStore;\n";
      expect(await findings(fromCli, 'src/cli.ts')).toEqual([]);
    });
  });

  describe('the sandbox package, from the service', () => {
    it.each([
      ['by name', SANDBOX],
      ['by a relative path into packages/', "import { startSandbox } from '../../packages/airtable-sandbox/src/index';\nexport const planted = startSandbox;\n"],
    ])('a feature importing it %s is refused', async (_name, code) => {
      expect(await findings(code, 'src/records/x.ts')).toEqual(['no-restricted-imports']);
    });

    it.each([
      ['a dynamic import', "export const planted = () => import('airtable-sandbox');\n"],
      ['a require', "export const planted = require('airtable-sandbox');\n"],
    ])('a feature loading it with %s is refused', async (_name, code) => {
      expect(await findings(code, 'src/main.ts')).toContain('no-restricted-syntax');
      expect(await findings(code, 'src/demo.ts')).not.toContain('no-restricted-syntax');
    });

    it('a file deep inside the sandbox package may not leave it either', async () => {
      const code = "import { Clock } from '../../../../../../src/common/clock';\nexport const planted = Clock;\n";
      expect(await findings(code, 'packages/airtable-sandbox/src/a/b/c/d/planted.ts')).toEqual(['no-restricted-imports']);
    });

    it('the storage module may not import it either', async () => {
      expect(await findings(SANDBOX, 'src/storage/storage.module.ts')).toEqual(['no-restricted-imports']);
    });

    it.each(['src/demo.ts', 'src/records/planted.spec.ts', 'test/planted.e2e-spec.ts'])('the same import in %s is allowed', async (path) => {
      expect(await findings(SANDBOX, path)).toEqual([]);
    });
  });

  describe('the sandbox package, on its own', () => {
    const fromService = "import { SystemClock } from '../../../src/common/clock';\nexport const planted = SystemClock;\n";

    it.each([
      ['packages/airtable-sandbox/src/planted.ts', fromService],
      ['packages/airtable-sandbox/test/planted.e2e-spec.ts', fromService],
      ['packages/airtable-sandbox/test/support/planted.ts', "import { SystemClock } from '../../../../src/common/clock';\nexport const planted = SystemClock;\n"],
      ['packages/airtable-sandbox/src/planted.ts', "import { SystemClock } from 'src/common/clock';\nexport const planted = SystemClock;\n"],
    ])('%s importing the service is refused', async (path, code) => {
      expect(await findings(code, path)).toEqual(['no-restricted-imports']);
    });

    it('its runtime code importing a third-party package is refused', async () => {
      const code = "import { sql } from 'kysely';\nexport const planted = sql;\n";
      expect(await findings(code, 'packages/airtable-sandbox/src/planted.ts')).toEqual(['no-restricted-imports']);
    });

    it('node built-ins and its own files are allowed, and its tests may use third-party packages', async () => {
      const own = "import { randomBytes } from 'node:crypto';\nimport { ALL_SCOPES } from './sandbox.options';\nexport const planted = [randomBytes, ALL_SCOPES];\n";
      expect(await findings(own, 'packages/airtable-sandbox/src/planted.ts')).toEqual([]);
      const test = "import Airtable from 'airtable';\nimport { ALL_SCOPES } from '../src/sandbox.options';\nexport const planted = [Airtable, ALL_SCOPES];\n";
      expect(await findings(test, 'packages/airtable-sandbox/test/planted.e2e-spec.ts')).toEqual([]);
    });
  });

  describe('imports', () => {
    it('an import after code is refused', async () => {
      const code = "export const first = 1;\nimport { SystemClock } from '../common/clock';\nexport const planted = SystemClock;\n";
      expect(await findings(code, 'src/records/planted.ts')).toEqual(['import-x/first']);
    });

    it('the same module imported twice is refused', async () => {
      const code = "import { SystemClock } from '../common/clock';\nimport { SystemClock as Clock } from '../common/clock';\nexport const planted = [SystemClock, Clock];\n";
      expect(await findings(code, 'src/records/planted.ts')).toEqual(['import-x/no-duplicates']);
    });

    it('an import cycle is refused', async () => {
      // connection.store.ts imports sealed-tokens.ts; sealed-tokens importing the store back closes a cycle.
      const code = "import { CONNECTION_ID } from './connection.store';\nexport const planted = CONNECTION_ID;\n";
      expect(await findings(code, 'src/connections/sealed-tokens.ts')).toEqual(['import-x/no-cycle']);
    });

    it('clean imports give no finding', async () => {
      const code = "import { type Clock, SystemClock } from '../common/clock';\nexport const planted: Clock = new SystemClock();\n";
      expect(await findings(code, 'src/records/planted.ts')).toEqual([]);
    });
  });
});
