import { parseArgs } from 'node:util';
import { ALL_SCOPES, parseTableSizes, type SandboxOptions } from './sandbox.options';

export const USAGE = `Usage: airtable-sandbox --client-id ID --redirect-uri URL [options]

A local Airtable: OAuth 2.0 with PKCE, the Web API's bases, tables and records, and webhooks.

  --client-id ID          the integration's client id (required)
  --redirect-uri URL      a redirect URI registered for it (required; repeat for more): https, or http to
                          localhost, 127.0.0.1 or [::1]
  --client-secret SECRET  makes it a confidential client, which must authenticate with HTTP Basic
  --port N                port to listen on (default 4001; 0 picks a free one)
  --host HOST             address to listen on (default 127.0.0.1)
  --seed FILE             bases, tables, fields and records to serve instead of the demo data (JSON)
  --table-sizes SIZES     records per demo table, e.g. Contacts=100,Deals=5 (not with --seed)
  --data FILE             keep tokens, records and webhooks in FILE across restarts
  -h, --help              show this help

Lifetimes for demos: SANDBOX_ACCESS_TOKEN_TTL_SECONDS, SANDBOX_REFRESH_TOKEN_TTL_SECONDS,
SANDBOX_WEBHOOK_TTL_SECONDS.`;

/** A command line that cannot start the sandbox; the message says why. */
export class CliUsageError extends Error {}

export type CliCommand = { help: true } | { help: false; options: Partial<SandboxOptions>; seedFile?: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The sandbox's options from its command line, checked whole before anything starts. */
export function parseCliOptions(args: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'table-sizes': { type: 'string' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  const clientId = values['client-id']?.trim();
  if (!clientId) throw new CliUsageError('--client-id is required: the client id of the integration to register');
  const redirectUris = values['redirect-uri'] ?? [];
  if (redirectUris.length === 0) throw new CliUsageError('--redirect-uri is required: where the authorize step sends the browser back');
  redirectUris.forEach(checkRedirectUri);
  if (values['client-secret'] === '') throw new CliUsageError('--client-secret must not be empty (leave it out for a public client)');
  if (values.seed !== undefined && values['table-sizes'] !== undefined) {
    throw new CliUsageError('--table-sizes sizes the demo data; a --seed file brings its own records');
  }
  for (const name of ['host', 'seed', 'data'] as const) {
    if (values[name]?.trim() === '') throw new CliUsageError(`--${name} must not be empty`);
  }
  const options: Partial<SandboxOptions> = {
    port: values.port === undefined ? 4001 : port(values.port),
    ...(values.host !== undefined ? { host: values.host } : {}),
    clients: [{ clientId, ...(values['client-secret'] !== undefined ? { clientSecret: values['client-secret'] } : {}), redirectUris, scopes: ALL_SCOPES }],
    ...(values['table-sizes'] !== undefined ? { tableSizes: tableSizes(values['table-sizes']) } : {}),
    ...(values.data !== undefined ? { dataFile: values.data } : {}),
  };
  return { help: false, options, ...(values.seed !== undefined ? { seedFile: values.seed } : {}) };
}

function port(raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65_535) throw new CliUsageError(`--port: "${raw}" is not a port number (0 to 65535)`);
  return Number(raw);
}

function tableSizes(raw: string): Record<string, number> {
  try {
    return parseTableSizes(raw, '--table-sizes');
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

/** Airtable registers https redirect URIs, and http ones only for the developer's own machine. */
function checkRedirectUri(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliUsageError(`--redirect-uri: "${raw}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new CliUsageError(`--redirect-uri: "${raw}" must be https, or http to localhost, 127.0.0.1 or [::1]`);
  }
}
