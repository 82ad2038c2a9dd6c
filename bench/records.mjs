// npm run bench (run.mjs starts this): records through the service against the ceilings Airtable's
// limit sets, 5 requests/s per base: 500 records/s read (100 a page), 50 records/s written (10 a request).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { children, sleep, signIn, startSandboxProcess, startService } from './lib.mjs';

const SMOKE = process.argv.includes('--smoke');
const EXPORT_SIZE = SMOKE ? 1_000 : 50_000;
const CREATE_COUNT = SMOKE ? 100 : 1_000;
const FLEET_EXPORT = SMOKE ? 500 : 10_000;
const FLEET_CREATE = SMOKE ? 50 : 500;
const READ_CEILING = 5 * 100;
const WRITE_CEILING = 5 * 10;
const BASE = 'appSandboxCRM0001';

// Minutes even at full size: a stuck export must fail the run, not hang it.
setTimeout(() => {
  console.error('The records benchmark did not finish in time.');
  process.exit(1);
}, (SMOKE ? 3 : 15) * 60_000).unref();

const sandbox = await startSandboxProcess({ tableSizes: { Contacts: EXPORT_SIZE } });
const tables = await sandbox('tables', { baseId: BASE });
const tableId = (name) => tables.find((t) => t.name === name).id;
const dir = mkdtempSync(join(tmpdir(), 'bench-records-'));
const fmt = (n) => Math.round(n).toLocaleString('en');

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Streams the export, counting records; samples the service's RSS meanwhile. */
async function exportAll(service, cookie, query = '') {
  const rss = { start: rssMb(service.pid), max: 0 };
  const sampler = setInterval(() => (rss.max = Math.max(rss.max, rssMb(service.pid))), 100);
  const started = performance.now();
  const res = await fetch(`${service.origin}/bases/${BASE}/tables/${tableId('Contacts')}/records/export${query}`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`export answered ${res.status}`);
  let records = 0;
  let errors = 0;
  let rest = '';
  for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (line.startsWith('{"error"')) errors++;
      else records++;
    }
  }
  clearInterval(sampler);
  return { records, errors, seconds: (performance.now() - started) / 1000, rssGrowthMb: rss.max - rss.start };
}

async function create(service, cookie, count, prefix) {
  const body = { records: Array.from({ length: count }, (_, i) => ({ fields: { Deal: `${prefix} ${i}`, Amount: i } })) };
  const started = performance.now();
  const res = await fetch(`${service.origin}/bases/${BASE}/tables/${tableId('Deals')}/records`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await res.json();
  if (res.status !== 200 || answer.records.length !== count) throw new Error(`create answered ${res.status}`);
  return { records: count, seconds: (performance.now() - started) / 1000 };
}

const lines = [];
const row = (what, result, ceiling) => {
  const perSecond = result.records / result.seconds;
  lines.push(`| ${what} | ${fmt(result.records)} | ${result.seconds.toFixed(1)} | ${fmt(perSecond)} | ${ceiling} | ${(perSecond / ceiling).toFixed(2)} |`);
  return perSecond / ceiling;
};
lines.push('### Records (5 requests/s per base: 500 records/s read, 50 written)', '');
lines.push('| run | records | seconds | records/s | ceiling | ratio to the ceiling |', '|---|---:|---:|---:|---:|---:|');

const single = await startService(sandbox, 'this service, Express', 'express', { DATABASE_PATH: join(dir, 'one.sqlite') });
const cookie = await signIn(sandbox, single.origin);
const rateLimitedBefore = await sandbox('statusCount', { status: 429 });
console.error(`Exporting ${fmt(EXPORT_SIZE)} records...`);
const exported = await exportAll(single, cookie);
const exportRatio = row('export, one instance', exported, READ_CEILING);
console.error(`Creating ${fmt(CREATE_COUNT)} records in one request...`);
const createRatio = row('create in one request, one instance', await create(single, cookie, CREATE_COUNT, 'Bench'), WRITE_CEILING);
const singleRateLimited = (await sandbox('statusCount', { status: 429 })) - rateLimitedBefore;

// Two instances, one base, the pacing shared through Redis: together they must stay under the limit.
const prefix = `bench-records-${process.pid}:`;
const fleet = [];
for (const name of ['a', 'b']) {
  const stores = { DATABASE_PATH: join(dir, `${name}.sqlite`), REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix };
  const service = await startService(sandbox, `fleet instance ${name}`, 'express', stores);
  fleet.push({ service, cookie: await signIn(sandbox, service.origin) });
}
console.error(`Two instances: exporting ${fmt(FLEET_EXPORT)} records each, then creating ${fmt(FLEET_CREATE)} each, at once...`);
const fleetBefore = await sandbox('statusCount', { status: 429 });
const both = async (run) => {
  const started = performance.now();
  const results = await Promise.all(fleet.map(run));
  return { records: results.reduce((sum, r) => sum + r.records, 0), seconds: (performance.now() - started) / 1000, results };
};
const fleetExport = await both(({ service, cookie }) => exportAll(service, cookie, `?maxRecords=${FLEET_EXPORT}`));
row('export, two instances together', fleetExport, READ_CEILING);
row('create, two instances together', await both(({ service, cookie }, i) => create(service, cookie, FLEET_CREATE, `Fleet ${i}`)), WRITE_CEILING);
const fleetRateLimited = (await sandbox('statusCount', { status: 429 })) - fleetBefore;

lines.push('', `Export memory: the service's RSS grew ${exported.rssGrowthMb.toFixed(1)} MB while streaming ${fmt(exported.records)} records.`);
const goals = [
  ['export >= 0.85 of 500 records/s', exportRatio.toFixed(2), exportRatio >= 0.85],
  [`create of ${fmt(CREATE_COUNT)} >= 0.85 of 50 records/s`, createRatio.toFixed(2), createRatio >= 0.85],
  ['export RSS growth < 50 MB', `${exported.rssGrowthMb.toFixed(1)} MB`, exported.rssGrowthMb < 50],
  ['every record exported, no error line', `${fmt(exported.records)} / ${fmt(EXPORT_SIZE)}`, exported.records === EXPORT_SIZE && exported.errors === 0],
  ['zero 429s, one instance', singleRateLimited, singleRateLimited === 0],
  ['zero 429s, two instances on one base', fleetRateLimited, fleetRateLimited === 0],
  ['fleet export complete', fleetExport.results.map((r) => r.records).join(' + '), fleetExport.results.every((r) => r.records === FLEET_EXPORT && r.errors === 0)],
];
lines.push('', '| goal | measured | met |', '|---|---:|---|');
for (const [goal, value, met] of goals) lines.push(`| ${goal} | ${value} | ${met ? 'yes' : 'no'} |`);
console.log(lines.join('\n'));

for (const child of children) child.kill('SIGKILL');
await sleep(100);
rmSync(dir, { recursive: true, force: true });
process.exit(0);
