// npm run bench [-- --smoke]: this service against the limit (bare node:http) and its peers, in one run.
// Loads each server with autocannon in interleaved rounds and prints a markdown table; the full run also
// writes docs/benchmarks.md and docs/benchmarks.svg. Every server runs in its own process.
import autocannon from 'autocannon';
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chart } from './chart.mjs';

const require = createRequire(import.meta.url);
const { startSandbox } = require('../dist/sandbox/sandbox.server.js');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SMOKE = process.argv.includes('--smoke');
const DURATION_S = SMOKE ? 1 : 5;
const ROUNDS = SMOKE ? 1 : 3;
const CONNECTIONS = SMOKE ? 10 : 50;
const PENDING_ENTRIES = SMOKE ? 20_000 : 1_000_000;
const BASE = 'appSandboxCRM0001';
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let nextPort = 47_100 + Math.floor(Math.random() * 500);

const sandbox = await startSandbox({ port: 0, clients: [{ clientId: 'sandbox-client', redirectUris: [], scopes: ['data.records:read', 'data.records:write', 'schema.bases:read', 'user.email:read'] }] });
const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

async function waitUntilUp(url, started) {
  for (;;) {
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
}

async function startPeer(name, file) {
  const port = nextPort++;
  const child = fork(join(ROOT, 'bench', 'peers', file), [], {
    env: { ...process.env, PORT: String(port), AUTHORIZE_URL: `${sandbox.url}/oauth2/v1/authorize` },
    stdio: 'ignore',
  });
  children.push(child);
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${origin}/auth/login`, Date.now());
  return { name, origin };
}

async function startService(name, adapter) {
  const port = nextPort++;
  const origin = `http://127.0.0.1:${port}`;
  sandbox.options.clients[0].redirectUris.push(`${origin}/airtable-oauth`);
  const started = Date.now();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HTTP_ADAPTER: adapter,
      AIRTABLE_SANDBOX: 'false',
      AIRTABLE_CLIENT_ID: 'sandbox-client',
      AIRTABLE_REDIRECT_URI: `${origin}/airtable-oauth`,
      AIRTABLE_AUTHORIZE_URL: `${sandbox.url}/oauth2/v1/authorize`,
      AIRTABLE_TOKEN_URL: `${sandbox.url}/oauth2/v1/token`,
      AIRTABLE_API_URL: sandbox.url,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      DATABASE_PATH: ':memory:',
      LOG_LEVEL: 'silent',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000000',
      REDIS_URL: '',
    },
    stdio: 'ignore',
  });
  children.push(child);
  const coldStartMs = await waitUntilUp(`${origin}/health`, started);
  return { name, origin, coldStartMs };
}

/** A signed-in session on a service: login, the sandbox's consent, the callback. Returns its Cookie header. */
async function signIn(origin) {
  const login = await fetch(`${origin}/auth/login`, { redirect: 'manual' });
  const binding = login.headers.getSetCookie()[0].split(';')[0];
  const page = await (await fetch(login.headers.get('location'))).text();
  const form = new URLSearchParams({ request: /name="request" value="([^"]+)"/.exec(page)[1], decision: 'allow' });
  for (const base of sandbox.bases) form.append('base', base.id);
  const consent = await fetch(`${sandbox.url}/oauth2/v1/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  const callback = new URL(consent.headers.get('location'));
  const done = await fetch(`${origin}${callback.pathname}${callback.search}`, { headers: { cookie: binding }, redirect: 'manual' });
  return done.headers.getSetCookie().find((c) => c.startsWith('sid=')).split(';')[0];
}

async function load(url, headers = {}) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Interleaved rounds: every target once per round, so drift on a shared machine hits all alike. */
async function rounds(targets) {
  const samples = new Map(targets.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) samples.get(target.name).push(await load(target.url, target.headers));
  }
  return targets.map((t) => {
    const runs = samples.get(t.name);
    return { name: t.name, rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)) };
  });
}

const limit = await startPeer('bare node:http (the limit)', 'node-http.mjs');
const bareExpress = await startPeer('bare Express 5', 'express.mjs');
const passportPeer = await startPeer('Express + express-session + passport-oauth2', 'passport.mjs');
const onExpress = await startService('this service, Express', 'express');
const onFastify = await startService('this service, Fastify', 'fastify');
const services = [onExpress, onFastify];

console.error(`Loading /auth/login: ${ROUNDS} round(s) of ${DURATION_S}s, ${CONNECTIONS} connections...`);
const login = await rounds([limit, bareExpress, passportPeer, onExpress, onFastify].map((t) => ({ name: t.name, url: `${t.origin}/auth/login` })));

console.error('Loading GET /bases/:id/tables (cached)...');
const cookies = await Promise.all(services.map((s) => signIn(s.origin)));
const tables = await rounds(services.map((s, i) => ({ name: s.name, url: `${s.origin}/bases/${BASE}/tables`, headers: { cookie: cookies[i] } })));

console.error('Cold burst: 1,000 requests for one base on a new connection...');
const cold = [];
for (const service of services) {
  const cookie = await signIn(service.origin);
  const route = `GET /v0/meta/bases/${BASE}/tables`;
  const before = sandbox.count(route);
  const result = await autocannon({ url: `${service.origin}/bases/${BASE}/tables`, connections: 100, amount: 1000, headers: { cookie } });
  cold.push({ name: service.name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, upstreamCalls: sandbox.count(route) - before, non2xx: result.non2xx });
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
lines.push('', '### `GET /bases/:id/tables`', '', '| server | cache | req/s | p50 ms | p99 ms | upstream calls | ratio to its own /auth/login |', '|---|---|---:|---:|---:|---:|---:|');
for (const r of tables) lines.push(`| ${r.name} | warm | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | 0 | ${ratio(r.rps, rpsOf(login, r.name))} |`);
for (const r of cold) lines.push(`| ${r.name} | cold burst of 1,000 | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${r.upstreamCalls} | - |`);
lines.push('', `### Pending logins in memory (${memory.entries.toLocaleString('en')} entries)`, '', '| store | bytes per entry |', '|---|---:|');
for (const r of memory.results) lines.push(`| ${r.label} | ${r.bytesPerEntry} |`);
lines.push('', `RSS: ${memory.rssStartMb} MB before, ${memory.rssFullMb} MB with all entries, ${memory.rssAfterTtlMb} MB after their TTL passed (nothing read them; heap ${memory.heapAfterTtlMb} MB).`);
lines.push('', '### Cold start (spawn to first answer)', '', ...services.map((s) => `- ${s.name}: ${s.coldStartMs} ms`));

const expressLogin = rpsOf(login, onExpress.name);
const fastifyLogin = rpsOf(login, onFastify.name);
const ours = memory.results.at(-1);
const goals = [
  ['Express: /auth/login >= 0.9x bare Express', expressLogin / rpsOf(login, bareExpress.name), 0.9],
  ['Express: /auth/login >= 1.5x passport peer', expressLogin / rpsOf(login, passportPeer.name), 1.5],
  ['Fastify: /auth/login >= 0.85x bare node:http', fastifyLogin / limitRps, 0.85],
  ['Express: cached tables >= 0.8x its /auth/login', rpsOf(tables, onExpress.name) / expressLogin, 0.8],
  ['Fastify: cached tables >= 0.8x its /auth/login', rpsOf(tables, onFastify.name) / fastifyLogin, 0.8],
];
lines.push('', '### Goals', '', '| goal | measured | met |', '|---|---:|---|');
for (const [goal, value, target] of goals) lines.push(`| ${goal} | ${value.toFixed(2)} | ${value >= target ? 'yes' : `no (short by ${(target - value).toFixed(2)})`} |`);
lines.push(`| pending entry <= 300 B | ${ours.bytesPerEntry} B | ${ours.bytesPerEntry <= 300 ? 'yes' : `no (over by ${ours.bytesPerEntry - 300} B)`} |`);
const rssBack = memory.rssAfterTtlMb <= memory.rssStartMb * 1.1;
lines.push(`| RSS within 10% of start after the TTL | ${memory.rssAfterTtlMb} / ${memory.rssStartMb} MB | ${rssBack ? 'yes' : 'no'} |`);
lines.push(`| cold burst of 1,000 costs one upstream call | ${cold.map((c) => c.upstreamCalls).join(', ')} | ${cold.every((c) => c.upstreamCalls === 1) ? 'yes' : 'no'} |`);

const table = lines.join('\n');
console.log(table);

if (!SMOKE) {
  const version = (name) => require(`${name}/package.json`).version;
  const machine = `${cpus().length} cores (${cpus()[0].model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
  const versions = ['@nestjs/core', 'express', 'fastify', 'autocannon', 'passport-oauth2', 'express-session'].map((n) => `${n} ${version(n)}`).join(', ');
  writeFileSync(join(ROOT, 'docs', 'benchmarks.svg'), chart(login.map((r) => ({ label: r.name, value: r.rps }))));
  writeFileSync(
    join(ROOT, 'docs', 'benchmarks.md'),
    `# Benchmarks\n\nRun on ${new Date().toISOString().slice(0, 10)}: ${machine}; ${versions}.\n` +
      `autocannon, ${CONNECTIONS} connections, medians of ${ROUNDS} interleaved rounds of ${DURATION_S} s; load generator on the same machine.\n` +
      `Regenerate with \`npm run bench\`.\n\n![/auth/login requests per second](benchmarks.svg)\n\n${table}\n`,
  );
}
await sandbox.close();
process.exit(0);
