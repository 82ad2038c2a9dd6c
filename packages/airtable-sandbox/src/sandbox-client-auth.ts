import type { SandboxClient } from './sandbox.options';

export interface BasicCredentials {
  clientId: string;
  rawClientId: string;
  secret: string;
}

/** Raw `id:secret` as Airtable documents, or form-encoded parts (RFC 6749 2.3.1): both decode the same. */
export function parseBasic(header: string | undefined): BasicCredentials | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    const rawClientId = decoded.slice(0, colon);
    return { clientId: formDecode(rawClientId), rawClientId, secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** Basic auth is required when the client has a secret and forbidden when it has none. */
export function authenticateClient(
  clients: SandboxClient[],
  params: URLSearchParams,
  basic: BasicCredentials | undefined,
  header: string | undefined,
): SandboxClient | undefined {
  const bodyClientId = params.get('client_id');
  if (header !== undefined) {
    const client = clients.find((c) => c.clientId === basic?.clientId);
    if (!basic || !client?.clientSecret || client.clientSecret !== basic.secret) return undefined;
    if (bodyClientId !== null && bodyClientId !== client.clientId) return undefined;
    return client;
  }
  const client = clients.find((c) => c.clientId === bodyClientId);
  return client && !client.clientSecret ? client : undefined;
}
