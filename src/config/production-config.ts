import { namesClientId } from './airtable.config';
import { type Config, loadConfig } from './config';
import { ConfigError } from './config-error';
import type { Environment } from './env-reader';

const TRY_THE_DEMO = 'To try the service without an Airtable integration, run `npm run demo` (a local Airtable sandbox and generated secrets).';

/**
 * The configuration `node dist/main.js` runs with: always the Airtable the environment names. It never
 * falls back to the sandbox, and says so when asked for it, so a missing setting cannot turn a
 * deployment into a demo.
 */
export function productionConfig(env: Environment): Config {
  const sandboxFlag = env.AIRTABLE_SANDBOX?.trim().toLowerCase();
  if (sandboxFlag === 'true' || sandboxFlag === '1') {
    throw new ConfigError(`AIRTABLE_SANDBOX is not read by \`node dist/main.js\`, which always talks to the Airtable it is configured for. ${TRY_THE_DEMO}`);
  }
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError) || namesClientId(env)) throw error;
    throw new ConfigError(`${error.message}\nSet AIRTABLE_CLIENT_ID (and the rest, see .env.example) to connect to Airtable. ${TRY_THE_DEMO}`);
  }
}
