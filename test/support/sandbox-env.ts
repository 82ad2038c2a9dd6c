import { type AirtableSandbox, SANDBOX_CLIENT_ID } from 'airtable-sandbox';
import { sandboxClientSettings } from '../../src/demo/demo-settings';

/** The settings that point the service at a running sandbox, as one of its integrations: the demo's, plus its redirect URI. */
export function sandboxEnv(sandbox: AirtableSandbox, clientId = SANDBOX_CLIENT_ID): Record<string, string> {
  const client = sandbox.options.clients.find((c) => c.clientId === clientId);
  if (!client) throw new Error(`The sandbox has no client ${clientId}`);
  return {
    AIRTABLE_SANDBOX: 'true',
    AIRTABLE_REDIRECT_URI: client.redirectUris[0],
    ...sandboxClientSettings(sandbox.url, client.clientId, client.clientSecret ?? ''),
  };
}
