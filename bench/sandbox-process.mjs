// The sandbox in its own process, so its token endpoint does not share an event loop with the load
// generator. The benchmarks drive it over IPC: register redirect URIs, count calls and answers, and mint codes for
// prepared logins (what the consent screen would do, without a browser round trip per request).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ALL_SCOPES, startSandbox } = require('airtable-sandbox');

const sandbox = await startSandbox({
  port: 0,
  clients: [{ clientId: 'sandbox-client', redirectUris: [], scopes: ALL_SCOPES }],
  ...JSON.parse(process.argv[2] ?? '{}'),
});
const baseIds = sandbox.bases.map((b) => b.id);

const handlers = {
  url: () => sandbox.url,
  bases: () => baseIds,
  register: ({ redirectUri }) => void sandbox.options.clients[0].redirectUris.push(redirectUri),
  count: ({ route }) => sandbox.recorder.count(route),
  statusCount: ({ status }) => sandbox.recorder.statusCount(status),
  tables: ({ baseId }) => sandbox.bases.find((b) => b.id === baseId).tables.map(({ id, name }) => ({ id, name })),
  codes: ({ logins }) =>
    logins.map(({ redirectUri, codeChallenge, scopes }) =>
      sandbox.grants.issueCode({ clientId: 'sandbox-client', redirectUri, codeChallenge, userId: sandbox.user.id, scopes, baseIds }),
    ),
};

process.on('message', ({ id, type, ...args }) => process.send({ id, result: handlers[type](args) }));
process.send({ ready: true });
