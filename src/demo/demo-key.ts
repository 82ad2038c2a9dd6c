import { API_SCOPES, BY_NAME_ONLY } from '../api-keys/api-key';
import type { ApiKeyStore } from '../api-keys/api-key.store';
import type { DemoSecrets } from './demo-secrets';

/** The demo's all-scope API key: the one of the last run while it is still active, else a new one. */
export async function demoApiKey(keys: ApiKeyStore, secrets: DemoSecrets): Promise<string> {
  const kept = secrets.demoApiKey;
  if (kept && (await keys.list()).some((key) => key.id === kept.id && !key.revokedAt)) return kept.secret;
  const { key, secret } = await keys.create('demo', API_SCOPES.filter((scope) => !BY_NAME_ONLY.includes(scope)));
  secrets.demoApiKey = { id: key.id, secret };
  return secret;
}
