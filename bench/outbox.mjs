// npm run bench (run.mjs starts this, after the webhooks): how fast the outbox drains with 100,000 events
// waiting, against the same with 1,000 waiting (the baseline, in the same run): the query for the due
// events must stay fast however deep the backlog. The events are put straight into the service's SQLite
// file, then the service starts and delivers them to a local receiver, which checks each one's signature
// and that it arrives once.
import Database from 'better-sqlite3';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { children, sleep, startSandboxProcess, startService } from './lib.mjs';

const SMOKE = process.argv.includes('--smoke');
const DEEP = SMOKE ? 2_000 : 100_000;
const SHALLOW = 1_000;
const CONNECTIONS = 1_000;
/** The deep backlog over its first seconds (draining it all takes minutes); the smoke run drains it all, as the baseline always does. */
const WINDOW_MS = SMOKE ? Infinity : 20_000;
const ROUNDS = SMOKE ? 1 : 3;
const FIRST_EVENT_DEADLINE_MS = 60_000;
const DRAIN_DEADLINE_MS = 5 * 60_000;
const SECRET = 'a-bench-events-secret-of-32-characters';
const RATIO_GOAL = 0.8;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

setTimeout(() => {
  console.error('The outbox benchmark did not finish in time.');
  process.exit(1);
}, (SMOKE ? 3 : 20) * 60_000).unref();

// The app's event endpoint: answers 204 and notes when each event id arrived, how often, and signed how.
let expected = new Set();
let arrivals = [];
let received = new Map();
let unknown = 0;
let badSignatures = 0;
const signedRight = (header, body) => {
  const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '') ?? [];
  return t !== undefined && timingSafeEqual(Buffer.from(v1, 'hex'), createHmac('sha256', SECRET).update(`${t}.${body}`).digest());
};
const receiver = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    arrivals.push(performance.now());
    const { id } = JSON.parse(body);
    if (!expected.has(id)) unknown++;
    if (!signedRight(req.headers['x-signature'], body)) badSignatures++;
    received.set(id, (received.get(id) ?? 0) + 1);
    res.writeHead(204).end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const eventsUrl = `http://127.0.0.1:${receiver.address().port}/events`;

const sandbox = await startSandboxProcess();
const connectionIds = Array.from({ length: CONNECTIONS }, () => randomBytes(32).toString('base64url'));

/** A graceful stop (the service closes its database), forced after a while. */
async function stop(service) {
  const child = children.find((c) => c.pid === service.pid);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(force);
}

/** `count` pending events, due now, the connections taking turns, in one transaction; their ids. */
function insertEvents(databasePath, count) {
  const db = new Database(databasePath);
  const insert = db.prepare(
    `insert into outbox_events (id, connection_id, body, status, attempts, next_attempt_at, created_at) values (?, ?, ?, 'pending', 0, 0, ?)`,
  );
  const ids = [];
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `evt_${randomBytes(18).toString('base64url')}`;
      const connectionId = connectionIds[i % CONNECTIONS];
      const data = { id: connectionId, status: 'active', airtableUserId: 'usrSandbox000001', scopes: ['data.records:read'], createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString() };
      insert.run(id, connectionId, JSON.stringify({ id, type: 'connection.updated', createdAt: new Date(now).toISOString(), data }), now);
      ids.push(id);
    }
  })();
  db.close();
  return ids;
}

/** How the outbox's rows ended up, read after the service stopped. */
function statuses(databasePath) {
  const db = new Database(databasePath, { readonly: true });
  const rows = db.prepare('select status, count(*) as count from outbox_events group by status').all();
  db.close();
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

/**
 * One drain of `count` waiting events on a fresh database (migrated by a first start of the service).
 * The rate counts the events that arrived after the first one, over `windowMs` from it or until all
 * arrived (windowMs Infinity): the service's start is not measured.
 */
async function drain(count, windowMs) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-outbox-'));
  const databasePath = join(dir, 'outbox.sqlite');
  await stop(await startService(sandbox, 'this service, migrating the outbox database', 'express', { DATABASE_PATH: databasePath }));
  const insertStarted = performance.now();
  expected = new Set(insertEvents(databasePath, count));
  const insertMs = performance.now() - insertStarted;
  arrivals = [];
  received = new Map();
  unknown = 0;
  badSignatures = 0;

  const spawned = performance.now();
  const service = await startService(sandbox, `this service, delivering ${count.toLocaleString('en')} events`, 'express', {
    DATABASE_PATH: databasePath,
    EVENTS_URL: eventsUrl,
    EVENTS_SECRET: SECRET,
    // Often enough that the wait between rounds is no part of the rate.
    EVENTS_POLL_MS: '50',
  });
  while (arrivals.length === 0) {
    if (performance.now() - spawned > FIRST_EVENT_DEADLINE_MS) throw new Error(`No event arrived within ${FIRST_EVENT_DEADLINE_MS / 1000} s of the service's spawn`);
    await sleep(5);
  }
  const first = arrivals[0];
  const drainAll = !Number.isFinite(windowMs);
  while (received.size < count && performance.now() - first < windowMs) {
    if (performance.now() - first > DRAIN_DEADLINE_MS) throw new Error(`${count - received.size} of ${count} events still not delivered after ${DRAIN_DEADLINE_MS / 1000} s`);
    await sleep(5);
  }
  const windowEnd = drainAll ? arrivals.at(-1) : first + windowMs;
  const inWindow = arrivals.filter((t) => t > first && t <= windowEnd).length;
  // A redelivery of something already delivered would come within the next rounds.
  if (drainAll) await sleep(1_000);
  await stop(service);
  const duplicates = [...received].filter(([, times]) => times > 1);
  const result = {
    count,
    insertMs,
    firstAfterMs: first - spawned,
    windowMs: windowEnd - first,
    inWindow: inWindow + 1,
    rate: inWindow / ((windowEnd - first) / 1000),
    // Over as many events as the baseline has: the same warm-up of the service in both.
    firstShallowRate: arrivals.length >= SHALLOW ? (SHALLOW - 1) / ((arrivals[SHALLOW - 1] - first) / 1000) : NaN,
    drainedAll: drainAll,
    received: received.size,
    duplicateIds: duplicates.map(([id, times]) => `${id} (${times}x)`),
    unknown,
    badSignatures,
    statuses: statuses(databasePath),
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

// Interleaved rounds, so drift on a shared machine hits both alike.
const shallow = [];
const deep = [];
for (let round = 0; round < ROUNDS; round++) {
  console.error(`Outbox round ${round + 1} of ${ROUNDS}: ${SHALLOW.toLocaleString('en')} events waiting, then ${DEEP.toLocaleString('en')}...`);
  shallow.push(await drain(SHALLOW, Infinity));
  deep.push(await drain(DEEP, WINDOW_MS));
}

const fmt = (n) => Math.round(n).toLocaleString('en');
const rateOf = (runs) => median(runs.map((r) => r.rate));
const ratio = rateOf(deep) / rateOf(shallow);
const firstRateOf = (runs) => median(runs.map((r) => r.firstShallowRate));
const everyRun = [...shallow, ...deep];
const drained = everyRun.filter((r) => r.drainedAll);
const duplicateIds = everyRun.flatMap((r) => r.duplicateIds);
const missing = drained.reduce((sum, r) => sum + r.count - r.received, 0);
const notMarked = drained.reduce((sum, r) => sum + r.count - (r.statuses.delivered ?? 0), 0);
const row = (label, runs) => {
  const r = runs.find((run) => run.rate === rateOf(runs));
  const firstRates = runs.map((run) => run.firstShallowRate);
  return `| ${label} | ${fmt(r.insertMs)} ms | ${fmt(r.firstAfterMs)} ms | ${fmt(r.inWindow)} in ${(r.windowMs / 1000).toFixed(1)} s | ${fmt(rateOf(runs))} | ${runs.map((run) => fmt(run.rate)).join(', ')} | ${fmt(median(firstRates))} |`;
};
const lines = [
  `### The outbox draining a backlog (${CONNECTIONS.toLocaleString('en')} connections taking turns, one receiver answering 204)`,
  '',
  `| events waiting | inserted in | first event after the spawn | measured | events/s (median) | each round | events/s over the first ${SHALLOW.toLocaleString('en')} (median) |`,
  '|---|---:|---:|---:|---:|---:|---:|',
  row(`${SHALLOW.toLocaleString('en')} (baseline, all of them)`, shallow),
  row(`${DEEP.toLocaleString('en')} (${Number.isFinite(WINDOW_MS) ? `the first ${WINDOW_MS / 1000} s` : 'all of them'})`, deep),
  '',
  `Over the first ${SHALLOW.toLocaleString('en')} events of each, the service warming up alike: ${(firstRateOf(deep) / firstRateOf(shallow)).toFixed(2)}x.`,
  '',
  '| goal | measured | met |',
  '|---|---:|---|',
  `| ${DEEP.toLocaleString('en')} waiting drain at >= ${RATIO_GOAL}x the rate of ${SHALLOW.toLocaleString('en')} | ${ratio.toFixed(2)} | ${ratio >= RATIO_GOAL ? 'yes' : `no (short by ${(RATIO_GOAL - ratio).toFixed(2)})`} |`,
  `| every event arrived, once (${drained.length} runs drained to the end; the others: none twice) | ${missing} missing, ${duplicateIds.length} sent twice or more | ${missing === 0 && duplicateIds.length === 0 ? 'yes' : 'no'} |`,
  `| every arrival signed, and one of ours | ${everyRun.reduce((s, r) => s + r.badSignatures, 0)} bad signatures, ${everyRun.reduce((s, r) => s + r.unknown, 0)} unknown | ${everyRun.every((r) => r.badSignatures === 0 && r.unknown === 0) ? 'yes' : 'no'} |`,
  `| every event marked delivered once all arrived | ${notMarked} not | ${notMarked === 0 ? 'yes' : 'no'} |`,
];
if (duplicateIds.length > 0) lines.push('', `Sent more than once: ${duplicateIds.slice(0, 20).join(', ')}${duplicateIds.length > 20 ? `, and ${duplicateIds.length - 20} more` : ''}.`);
console.log(lines.join('\n'));

for (const child of children) child.kill('SIGKILL');
receiver.close();
process.exit(0);
