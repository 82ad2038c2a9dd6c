// npm run bench [-- --smoke]: this service against the limit (bare node:http) and its peers, in one run.
// Loads each server with autocannon in interleaved rounds and prints a markdown table; the full run also
// writes docs/benchmarks.md and its two charts. Every server, and the sandbox, runs in its own process.
import autocannon from 'autocannon';
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { chart } from './chart.mjs';
import { benchDatabase, children, ROOT, signIn, startSandboxProcess, startServer, startService } from './lib.mjs';

const require = createRequire(import.meta.url);
const SMOKE = process.argv.includes('--smoke');
const DURATION_S = SMOKE ? 1 : 5;
const ROUNDS = SMOKE ? 1 : 3;
const CONNECTIONS = SMOKE ? 10 : 50;
const CALLBACKS_PER_ROUND = SMOKE ? 200 : 3000;
const PENDING_ENTRIES = SMOKE ? 20_000 : 1_000_000;
const BASE = 'appSandboxCRM0001';
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// A stuck server must fail the run (and CI's smoke of it), not hang it.
setTimeout(() => {
  console.error('The benchmark did not finish in time.');
  process.exit(1);
}, (SMOKE ? 8 : 30) * 60_000).unref();

const sandbox = await startSandboxProcess();

async function startPeer(name, file, env = {}) {
  const { origin, coldStartMs } = await startServer(name, '/auth/login', async (port, origin) => {
    await sandbox('register', { redirectUri: `${origin}/airtable-oauth` });
    return fork(join(ROOT, 'bench', 'peers', file), [], {
      env: { ...process.env, PORT: String(port), SANDBOX_URL: sandbox.url, REDIRECT_URI: `${origin}/airtable-oauth`, ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
  });
  console.error(`Started ${name} in ${coldStartMs} ms.`);
  return { name, origin };
}

async function load(url, headers = {}) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failed: 0 };
}

/** Logins made ahead on `origin`, each turned into the callback the browser brings back after consent. */
async function prepareCallbacks(origin, count) {
  const logins = [];
  const worker = async () => {
    while (logins.length < count) {
      const res = await fetch(`${origin}/auth/login`, { redirect: 'manual' });
      const authorize = new URL(res.headers.get('location')).searchParams;
      logins.push({
        cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '),
        state: authorize.get('state'),
        redirectUri: authorize.get('redirect_uri'),
        codeChallenge: authorize.get('code_challenge'),
        scopes: authorize.get('scope').split(' '),
      });
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  const codes = await sandbox('codes', { logins });
  return logins.map((login, i) => ({
    path: `${new URL(login.redirectUri).pathname}?code=${codes[i]}&state=${encodeURIComponent(login.state)}`,
    cookie: login.cookie,
  }));
}

/** The callback under load: every request brings a fresh code, its state and its browser's cookie. */
async function loadCallbacks(origin) {
  // A few spare: autocannon prepares each connection's next request before it knows the run is over.
  const prepared = await prepareCallbacks(origin, CALLBACKS_PER_ROUND + CONNECTIONS);
  let next = 0;
  const setupRequest = (req) => {
    const callback = prepared[Math.min(next++, prepared.length - 1)];
    return { ...req, path: callback.path, headers: { ...req.headers, cookie: callback.cookie } };
  };
  const started = performance.now();
  let finished = started;
  const run = autocannon({ url: origin, connections: CONNECTIONS, amount: CALLBACKS_PER_ROUND, requests: [{ setupRequest }] });
  // autocannon's own duration is rounded to its one-second ticks; time the last answer instead.
  run.on('response', () => (finished = performance.now()));
  const result = await run;
  const signedIn = result.statusCodeStats['303']?.count ?? 0;
  const rps = result.requests.total / ((finished - started) / 1000);
  return { rps, p50: result.latency.p50, p99: result.latency.p99, failed: result.requests.total - signedIn };
}

/** Interleaved rounds: every target once per round, so drift on a shared machine hits all alike. */
async function rounds(targets) {
  const samples = new Map(targets.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) samples.get(target.name).push(await target.run());
  }
  return targets.map((t) => {
    const runs = samples.get(t.name);
    const mid = (key) => median(runs.map((r) => r[key]));
    return { name: t.name, rps: mid('rps'), p50: mid('p50'), p99: mid('p99'), failed: Math.max(...runs.map((r) => r.failed)) };
  });
}

const limit = await startPeer('bare node:http (the limit)', 'node-http.mjs');
const bareExpress = await startPeer('bare Express 5', 'express.mjs');
// SQLite files in a folder of their own (WAL mode, as in production), removed at the end.
const sqliteDir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
// passport's sessions in express-session's MemoryStore (its README: not for production), and in SQLite.
const passportPeer = await startPeer('Express + passport-oauth2, sessions in memory', 'passport.mjs');
const durablePassportPeer = await startPeer('Express + passport-oauth2, sessions in SQLite', 'passport.mjs', { SESSION_DATABASE_PATH: join(sqliteDir, 'passport.sqlite') });
const onExpress = await startService(sandbox, 'this service, Express', 'express', { DATABASE_PATH: join(sqliteDir, 'express.sqlite') });
const onFastify = await startService(sandbox, 'this service, Fastify', 'fastify', { DATABASE_PATH: join(sqliteDir, 'fastify.sqlite') });
const services = [onExpress, onFastify];
const database = await benchDatabase();
const redisPrefix = `bench-${randomBytes(6).toString('hex')}:`;
const onFleetStores = database
  ? await startService(sandbox, 'this service, Express, PostgreSQL + Redis', 'express', {
      DATABASE_URL: database.url,
      REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: redisPrefix,
    })
  : undefined;

console.error(`Loading /auth/login: ${ROUNDS} round(s) of ${DURATION_S}s, ${CONNECTIONS} connections...`);
const everyone = [limit, bareExpress, passportPeer, durablePassportPeer, onExpress, onFastify, ...(onFleetStores ? [onFleetStores] : [])];
const login = await rounds(everyone.map((t) => ({ name: t.name, run: () => load(`${t.origin}/auth/login`) })));

console.error(`Loading the callback: ${ROUNDS} round(s) of ${CALLBACKS_PER_ROUND.toLocaleString('en')} fresh codes each...`);
const callback = await rounds(everyone.map((t) => ({ name: t.name, run: () => loadCallbacks(t.origin) })));

console.error('Loading GET /bases/:id/tables (cached)...');
const cookies = await Promise.all(services.map((s) => signIn(sandbox, s.origin)));
const tables = await rounds(services.map((s, i) => ({ name: s.name, run: () => load(`${s.origin}/bases/${BASE}/tables`, { cookie: cookies[i] }) })));

console.error('Cold burst: 1,000 requests for one base on a new connection...');
const cold = [];
for (const service of services) {
  const cookie = await signIn(sandbox, service.origin);
  const route = `GET /v0/meta/bases/${BASE}/tables`;
  const before = await sandbox('count', { route });
  const result = await autocannon({ url: `${service.origin}/bases/${BASE}/tables`, connections: 100, amount: 1000, headers: { cookie } });
  cold.push({ name: service.name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, upstreamCalls: (await sandbox('count', { route })) - before, non2xx: result.non2xx });
}

console.error(`Pending logins in memory: ${PENDING_ENTRIES.toLocaleString('en')} entries...`);
const memory = await new Promise((resolve, reject) => {
  const child = spawn(process.execPath, ['--expose-gc', join(ROOT, 'bench', 'pending-memory.mjs'), String(PENDING_ENTRIES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`pending-memory exited ${code}`))));
});

// ---- Report ---------------------------------------------------------------------------------------
const limitRps = login.find((r) => r.name === limit.name).rps;
const rpsOf = (rows, name) => rows.find((r) => r.name === name).rps;
const fmt = (n) => Math.round(n).toLocaleString('en');
const ratio = (a, b) => (a / b).toFixed(2);
const lines = [];
lines.push('### `/auth/login` (state + PKCE + pending entry + cookie + 302)', '', '| server | req/s | p50 ms | p99 ms | ratio to the limit |', '|---|---:|---:|---:|---:|');
for (const r of login) lines.push(`| ${r.name} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${ratio(r.rps, limitRps)} |`);
const callbackLimit = rpsOf(callback, limit.name);
lines.push('', '### The callback (fresh code + state + binding cookie, sandbox token endpoint and whoami, session, 303)', '');
lines.push('| server | req/s | p50 ms | p99 ms | not signed in | ratio to the limit |', '|---|---:|---:|---:|---:|---:|');
for (const r of callback) lines.push(`| ${r.name} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${r.failed} | ${ratio(r.rps, callbackLimit)} |`);
lines.push('', '### `GET /bases/:id/tables`', '', '| server | cache | req/s | p50 ms | p99 ms | upstream calls | ratio to its own /auth/login |', '|---|---|---:|---:|---:|---:|---:|');
for (const r of tables) lines.push(`| ${r.name} | warm | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | 0 | ${ratio(r.rps, rpsOf(login, r.name))} |`);
for (const r of cold) lines.push(`| ${r.name} | cold burst of 1,000 | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${r.upstreamCalls} | - |`);
lines.push('', `### Pending logins in memory (${memory.entries.toLocaleString('en')} entries)`, '', '| store | bytes per entry |', '|---|---:|');
for (const r of memory.results) lines.push(`| ${r.label} | ${r.bytesPerEntry} |`);
lines.push('', `RSS: ${memory.rssStartMb} MB before, ${memory.rssFullMb} MB with all entries, ${memory.rssAfterTtlMb} MB after their TTL passed (nothing read them; heap ${memory.heapAfterTtlMb} MB).`);
lines.push('', '### Cold start (spawn to first answer)', '', ...services.map((s) => `- ${s.name}: ${s.coldStartMs} ms`));

const expressLogin = rpsOf(login, onExpress.name);
const fastifyLogin = rpsOf(login, onFastify.name);
const expressCallback = rpsOf(callback, onExpress.name);
const ours = memory.results.at(-1);
const goals = [
  ['Express: /auth/login >= 0.9x bare Express', expressLogin / rpsOf(login, bareExpress.name), 0.9],
  ['Express: /auth/login >= 1.5x passport peer (memory)', expressLogin / rpsOf(login, passportPeer.name), 1.5],
  ['Fastify: /auth/login >= 0.85x bare node:http', fastifyLogin / limitRps, 0.85],
  ['Express: callback >= 0.9x bare Express', expressCallback / rpsOf(callback, bareExpress.name), 0.9],
  ['Express on SQLite: callback >= 1.0x passport peer (SQLite)', expressCallback / rpsOf(callback, durablePassportPeer.name), 1.0],
  ['Express on SQLite: callback >= 0.8x passport peer (memory)', expressCallback / rpsOf(callback, passportPeer.name), 0.8],
  ...(onFleetStores ? [['Express on PostgreSQL + Redis: callback >= 1.0x passport peer (memory)', rpsOf(callback, onFleetStores.name) / rpsOf(callback, passportPeer.name), 1.0]] : []),
  ['Fastify: callback >= 0.75x bare node:http', rpsOf(callback, onFastify.name) / callbackLimit, 0.75],
  ['Express: cached tables >= 0.8x its /auth/login', rpsOf(tables, onExpress.name) / expressLogin, 0.8],
  ['Fastify: cached tables >= 0.8x its /auth/login', rpsOf(tables, onFastify.name) / fastifyLogin, 0.8],
];
lines.push('', '### Goals', '', '| goal | measured | met |', '|---|---:|---|');
for (const [goal, value, target] of goals) lines.push(`| ${goal} | ${value.toFixed(2)} | ${value >= target ? 'yes' : `no (short by ${(target - value).toFixed(2)})`} |`);
lines.push(`| pending entry <= 300 B | ${ours.bytesPerEntry} B | ${ours.bytesPerEntry <= 300 ? 'yes' : `no (over by ${ours.bytesPerEntry - 300} B)`} |`);
const rssBack = memory.rssAfterTtlMb <= memory.rssStartMb * 1.1;
lines.push(`| RSS within 10% of start after the TTL | ${memory.rssAfterTtlMb} / ${memory.rssStartMb} MB | ${rssBack ? 'yes' : 'no'} |`);
lines.push(`| every callback request signed in | ${callback.map((r) => r.failed).join(', ')} not | ${callback.every((r) => r.failed === 0) ? 'yes' : 'no'} |`);
lines.push(`| cold burst of 1,000 costs one upstream call | ${cold.map((c) => c.upstreamCalls).join(', ')} | ${cold.every((c) => c.upstreamCalls === 1) ? 'yes' : 'no'} |`);

for (const child of children) child.kill('SIGKILL');
rmSync(sqliteDir, { recursive: true, force: true });
await database?.drop().catch((error) => console.error(`Could not drop the benchmark database: ${error.message}`));

// Records run alone, on a machine no other benchmark server loads any more.
console.error('Records: export and create against the base limit...');
/** Runs one of the benchmarks that start servers of their own; resolves with the table it prints. */
const runAlone = (name) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', `${name}.mjs`), ...process.argv.slice(2)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`The ${name} benchmark exited with ${code}`))));
  });
const recordsTable = await runAlone('records');
console.error('Webhooks: from a record write to its event...');
const webhooksTable = await runAlone('webhooks');
console.error('Outbox: the drain rate with a deep backlog...');
const outboxTable = await runAlone('outbox');
const table = `${lines.join('\n')}\n\n${recordsTable}\n\n${webhooksTable}\n\n${outboxTable}`;
console.log(table);

if (!SMOKE) {
  const version = (name) => require(`${name}/package.json`).version;
  const machine = `${cpus().length} cores (${cpus()[0].model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
  const versions = ['@nestjs/core', 'express', 'fastify', 'autocannon', 'passport-oauth2', 'express-session', 'better-sqlite3-session-store', 'better-sqlite3'].map((n) => `${n} ${version(n)}`).join(', ');
  writeFileSync(join(ROOT, 'docs', 'benchmarks.svg'), chart(login.map((r) => ({ label: r.name, value: r.rps }))));
  writeFileSync(join(ROOT, 'docs', 'benchmarks-callback.svg'), chart(callback.map((r) => ({ label: r.name, value: r.rps })), 'The callback, requests per second (higher is better)'));
  writeFileSync(
    join(ROOT, 'docs', 'benchmarks.md'),
    `# Benchmarks\n\nRun on ${new Date().toISOString().slice(0, 10)}: ${machine}; ${versions}.\n` +
      `autocannon, ${CONNECTIONS} connections, medians of ${ROUNDS} interleaved rounds of ${DURATION_S} s (of ${CALLBACKS_PER_ROUND.toLocaleString('en')} requests for the callback); load generator on the same machine.\n` +
      `Regenerate with \`npm run bench\`.\n\n![/auth/login requests per second](benchmarks.svg)\n\n![callback requests per second](benchmarks-callback.svg)\n\n${table}\n`,
  );
}
process.exit(0);
