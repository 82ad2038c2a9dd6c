import { startSandbox } from './sandbox.server';
import { ALL_SCOPES, SANDBOX_CLIENT_ID, sandboxLifetimes, sandboxTableSizes } from './sandbox.options';

/** Runs the sandbox alone, e.g. to point another Airtable client at it. */
async function main(): Promise<void> {
  const sandbox = await startSandbox({
    ...sandboxLifetimes(process.env),
    ...sandboxTableSizes(process.env),
    port: Number(process.env.SANDBOX_PORT || 4001),
    clients: [
      {
        clientId: process.env.SANDBOX_CLIENT_ID || SANDBOX_CLIENT_ID,
        clientSecret: process.env.SANDBOX_CLIENT_SECRET || undefined,
        redirectUris: (process.env.SANDBOX_REDIRECT_URIS || 'http://localhost:4000/airtable-oauth').split(','),
        scopes: ALL_SCOPES,
      },
    ],
  });
  console.log(`Airtable sandbox listening on ${sandbox.url}`);
  console.log(`  authorize: ${sandbox.url}/oauth2/v1/authorize`);
  console.log(`  token:     ${sandbox.url}/oauth2/v1/token`);
  console.log(`  Web API:   ${sandbox.url}/v0/...`);
  console.log(`  webhooks:  ${sandbox.url}/v0/bases/{baseId}/webhooks`);
}

void main();
