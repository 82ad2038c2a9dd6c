import 'reflect-metadata';
import { join } from 'node:path';
import { ALL_SCOPES, SANDBOX_CLIENT_ID, sandboxLifetimes, sandboxTableSizes, startSandbox } from 'airtable-sandbox';
import { ApiKeyStore } from './api-keys/api-key.store';
import { loadConfig, processEnvironment } from './config/config';
import { demoBanner } from './demo/demo-banner';
import { demoDir } from './demo/demo-folder';
import { demoApiKey } from './demo/demo-key';
import { readableLog } from './demo/demo-log';
import { DemoSecrets } from './demo/demo-secrets';
import { demoSettings, sandboxClientSettings, sandboxPort } from './demo/demo-settings';
import { closeOnSignal } from './demo/demo-shutdown';
import { exitOnStartError } from './start-error';
import { startService } from './start-service';

/**
 * `npm run demo`: the Airtable sandbox and the service pointed at it, with everything that should
 * outlive a restart (database, secrets, the sandbox's grants and records) in the demo folder. The only
 * file of the service that loads the sandbox.
 */
async function main(): Promise<void> {
  const env = processEnvironment();
  // Checked before anything is started or written.
  const port = sandboxPort(env);
  const dir = demoDir(env);
  const secrets = new DemoSecrets(dir);
  const settings = demoSettings(env, dir, secrets);
  const clientSecret = env.SANDBOX_CLIENT_SECRET || secrets.generated('SANDBOX_CLIENT_SECRET');
  const sandbox = await startSandbox({
    ...sandboxLifetimes(env),
    ...sandboxTableSizes(env),
    port,
    clients: [{ clientId: SANDBOX_CLIENT_ID, clientSecret, redirectUris: [settings.AIRTABLE_REDIRECT_URI], scopes: ALL_SCOPES }],
    dataFile: join(dir, 'sandbox.json'),
  });
  const config = loadConfig({ ...env, ...settings, ...sandboxClientSettings(sandbox.url, SANDBOX_CLIENT_ID, clientSecret) });
  const log = readableLog();
  const app = await startService(config, { logDestination: log });
  closeOnSignal([() => app.close(), () => sandbox.stop()]);
  const apiKey = await demoApiKey(app.get(ApiKeyStore), secrets);
  log.write(demoBanner({ serviceUrl: config.airtable.redirectUri.origin, sandboxUrl: sandbox.url, apiKey, dir, database: config.database }));
}

main().catch(exitOnStartError);
