import { parseArgs } from 'node:util';
import { API_SCOPES, type ApiScope, isApiScope } from './api-keys/api-key';
import { SystemClock } from './common/clock';
import { processEnvironment } from './config/config';
import { privateDemoDir, toolDemoDir, toolEnvironment } from './demo/demo-folder';
import { withConfiguredDatabase } from './storage/sql/configured-database';
import { SqlApiKeyStore } from './storage/sql/sql-api-key.store';
import { migrateToLatest } from './storage/sql/sql-migrations';

const USAGE = `Usage:
  npm run cli -- api-keys create --name NAME --scopes SCOPE[,SCOPE...]
  npm run cli -- api-keys list
  npm run cli -- api-keys revoke KEY_ID

Scopes: ${API_SCOPES.join(', ')}.
The database is the one DATABASE_URL or DATABASE_PATH names (environment or .env); with neither and no
AIRTABLE_CLIENT_ID, the demo's (.demo/demo.sqlite, or in DEMO_DIR), so keys work against \`npm run demo\`.`;

class UsageError extends Error {}

type KeyCommand = (keys: SqlApiKeyStore) => Promise<void>;

/** `npm run cli -- api-keys ...`: API keys in the database the service would use. */
async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseCommand(argv);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // Every refusal comes before the database is opened, which would create its file.
  const run = keyCommand(positionals, values);
  const env = processEnvironment();
  const dir = toolDemoDir(env);
  if (dir) privateDemoDir(dir);
  await withConfiguredDatabase(async (db, timeoutMs) => {
    await migrateToLatest(db);
    await run(new SqlApiKeyStore(db, new SystemClock(), timeoutMs));
  }, toolEnvironment(env));
}

function keyCommand([group, command, id]: string[], values: { name?: string; scopes?: string }): KeyCommand {
  if (group !== 'api-keys') throw new UsageError(group ? `Unknown command ${group}.` : 'Name a command.');
  switch (command) {
    case 'create': {
      const name = values.name?.trim();
      if (!name) throw new UsageError('--name is required.');
      const scopes = scopesOf(values.scopes);
      return async (keys) => {
        const { key, secret } = await keys.create(name, scopes);
        console.log(`Created ${key.id} "${key.name}" with ${key.scopes.join(', ')}. The key is shown once, on the next line:`);
        console.log(secret);
      };
    }
    case 'list':
      return async (keys) => {
        for (const key of await keys.list()) {
          const state = key.revokedAt ? `revoked ${new Date(key.revokedAt).toISOString()}` : 'active';
          const used = key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : 'never';
          console.log(`${key.id}\t${key.name}\t${key.scopes.join(',')}\t${state}\tlast used ${used}`);
        }
      };
    case 'revoke':
      if (!id) throw new UsageError('Name the key id to revoke.');
      return async (keys) => {
        if (!(await keys.revoke(id))) throw new Error(`No active key ${id}.`);
        console.log(`Revoked ${id}.`);
      };
    default:
      throw new UsageError('Unknown api-keys command.');
  }
}

function parseCommand(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' }, scopes: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The scopes named: never all of them by default, and an unknown one is refused rather than dropped. */
function scopesOf(raw: string | undefined): ApiScope[] {
  if (raw === undefined) throw new UsageError(`--scopes is required: name what the key may do, comma-separated, from ${API_SCOPES.join(', ')}.`);
  const scopes = raw.split(',').map((scope) => scope.trim());
  const unknown = scopes.filter((scope) => !isApiScope(scope));
  if (unknown.length || scopes.length === 0) throw new UsageError(`Scopes are ${API_SCOPES.join(', ')}.`);
  return [...new Set(scopes)] as ApiScope[];
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : error instanceof Error ? error.message : error);
  process.exit(1);
});
