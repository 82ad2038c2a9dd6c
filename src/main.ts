import 'reflect-metadata';
import { processEnvironment } from './config/config';
import { productionConfig } from './config/production-config';
import { exitOnStartError } from './start-error';
import { startService } from './start-service';

/** `npm run start:prod`: the service against the Airtable its environment names; never the sandbox. */
async function main(): Promise<void> {
  await startService(productionConfig(processEnvironment()), { shutdownHooks: true });
}

main().catch(exitOnStartError);
