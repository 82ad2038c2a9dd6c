import { type AirtableSandbox, SANDBOX_CLIENT_ID } from 'airtable-sandbox';

/** The settings that point the service at a running sandbox, as one of its integrations. */
export function sandboxEnv(sandbox: AirtableSandbox, clientId = SANDBOX_CLIENT_ID): Record<string, string> {
  const client = sandbox.options.clients.find((c) => c.clientId === clientId);
  if (!client) throw new Error(`The sandbox has no client ${clientId}`);
  return {
    AIRTABLE_SANDBOX: 'true',
    AIRTABLE_CLIENT_ID: client.clientId,
    AIRTABLE_CLIENT_SECRET: client.clientSecret ?? '',
    AIRTABLE_REDIRECT_URI: client.redirectUris[0],
    AIRTABLE_AUTHORIZE_URL: `${sandbox.url}/oauth2/v1/authorize`,
    AIRTABLE_TOKEN_URL: `${sandbox.url}/oauth2/v1/token`,
    AIRTABLE_API_URL: sandbox.url,
  };
}
