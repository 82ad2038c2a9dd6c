// npm run bench (run.mjs starts this): how long a record written through the service takes to reach the
// app as an airtable.changes event: Airtable's ping, the payload read by cursor (paced), the outbox, the
// delivery. The baseline, in the same run, is the write's own round trip.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { children, ROOT, sleep, signIn, startSandboxProcess, startService } from './lib.mjs';

const SMOKE = process.argv.includes('--smoke');
const WRITES = SMOKE ? 10 : 100;
const BASE = 'appSandboxCRM0001';
const P99_GOAL_MS = 2_000;

setTimeout(() => {
  console.error('The webhooks benchmark did not finish in time.');
  process.exit(1);
}, (SMOKE ? 2 : 6) * 60_000).unref();

// The app's event endpoint: the time each created record first arrives.
const arrivals = new Map();
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const event = JSON.parse(body);
    if (event.type === 'airtable.changes') {
      for (const payload of event.data.payloads) {
        for (const table of Object.values(payload.changedTablesById ?? {})) {
          for (const id of Object.keys(table.createdRecordsById ?? {})) if (!arrivals.has(id)) arrivals.set(id, performance.now());
        }
      }
    }
    res.writeHead(204).end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));

const dir = mkdtempSync(join(tmpdir(), 'bench-webhooks-'));
const databasePath = join(dir, 'webhooks.sqlite');
const key = execFileSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'api-keys', 'create', '--name', 'bench', '--scopes', 'connections:read,connections:write,data:read,data:write'], { env: { PATH: process.env.PATH, DATABASE_PATH: databasePath }, encoding: 'utf8' })
  .trim()
  .split('\n')
  .at(-1);
const sandbox = await startSandboxProcess({ pingRetryDelaysMs: [200, 1_000] });
const service = await startService(sandbox, 'this service, webhooks', 'express', {
  DATABASE_PATH: databasePath,
  AIRTABLE_SCOPES: 'data.records:read data.records:write schema.bases:read webhook:manage',
  EVENTS_URL: `http://127.0.0.1:${receiver.address().port}/events`,
  EVENTS_SECRET: 'a-bench-events-secret-of-32-characters',
});
await signIn(sandbox, service.origin);
const api = (path, init = {}) => fetch(`${service.origin}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });
const connectionId = (await (await api('/api/connections')).json()).connections[0].id;
const created = await api(`/api/connections/${connectionId}/bases/${BASE}/webhooks`, { method: 'POST', body: JSON.stringify({ specification: { options: { filters: { dataTypes: ['tableData'] } } } }) });
if (created.status !== 201) throw new Error(`creating the webhook answered ${created.status}`);

console.error(`Writing ${WRITES} records one at a time, each waited for as an event...`);
const writes = [];
const latencies = [];
for (let i = 0; i < WRITES; i++) {
  const started = performance.now();
  const res = await api(`/api/connections/${connectionId}/bases/${BASE}/tables/Contacts/records`, { method: 'POST', body: JSON.stringify({ records: [{ fields: { Name: `Bench ${i}` } }] }) });
  if (res.status !== 200) throw new Error(`a write answered ${res.status}`);
  const id = (await res.json()).records[0].id;
  writes.push(performance.now() - started);
  while (!arrivals.has(id)) await sleep(2);
  latencies.push(arrivals.get(id) - started);
}

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
const ms = (n) => `${Math.round(n)} ms`;
const [eventP50, eventP99, writeP50, writeP99] = [
  percentile(latencies, 50), percentile(latencies, 99), percentile(writes, 50), percentile(writes, 99),
];
const lines = [
  '### From a record write to its event (webhook ping, payloads by cursor, outbox, delivery)',
  '',
  '| measured | p50 | p99 |',
  '|---|---:|---:|',
  `| the write's round trip (baseline) | ${ms(writeP50)} | ${ms(writeP99)} |`,
  `| from the write to its airtable.changes event | ${ms(eventP50)} | ${ms(eventP99)} |`,
  `| ratio to the baseline | ${(eventP50 / writeP50).toFixed(1)} | ${(eventP99 / writeP99).toFixed(1)} |`,
  '',
  '| goal | measured | met |',
  '|---|---:|---|',
  `| every write arrived as an event | ${latencies.length} / ${WRITES} | ${latencies.length === WRITES ? 'yes' : 'no'} |`,
  `| write to event p99 < ${ms(P99_GOAL_MS)} | ${ms(eventP99)} | ${eventP99 < P99_GOAL_MS ? 'yes' : 'no'} |`,
];
console.log(lines.join('\n'));

for (const child of children) child.kill('SIGKILL');
receiver.close();
await sleep(100);
rmSync(dir, { recursive: true, force: true });
process.exit(0);
