// What both benchmarks need: the sandbox in its own process (asked over IPC, see sandbox-process.mjs),
// the service started as `npm run start:prod` would, a signed-in session, a scratch PostgreSQL database.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let port = 47_100 + Math.floor(Math.random() * 500);
export const nextPort = () => port++;

export const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/** `sandbox(type, args)` calls the sandbox process; `options` are its SandboxOptions (e.g. tableSizes). */
export async function startSandboxProcess(options = {}) {
  const child = fork(join(ROOT, 'bench', 'sandbox-process.mjs'), [JSON.stringify(options)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.push(child);
  const replies = new Map();
  let nextCall = 0;
  child.on('message', ({ id, result }) => replies.get(id)?.(result));
  const sandbox = (type, args = {}) =>
    new Promise((resolve, reject) => {
      const id = nextCall++;
      const timer = setTimeout(() => reject(new Error(`The sandbox did not answer "${type}"`)), 30_000);
      replies.set(id, (result) => (clearTimeout(timer), replies.delete(id), resolve(result)));
      child.send({ id, type, ...args });
    });
  await once(child, 'message');
  sandbox.url = await sandbox('url');
  sandbox.bases = await sandbox('bases');
  return sandbox;
}

export async function waitUntilUp(url, started) {
  for (;;) {
    try {
      // A bounded attempt: one that never gets an answer must not stall the whole run.
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
}

/** A fresh PostgreSQL database for the fleet-stores run, or undefined when no server answers. */
export async function benchDatabase() {
  const { Client } = require('pg');
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: server, connectionTimeoutMillis: 2_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    console.error(`No PostgreSQL at ${server} (${error.message}): the PostgreSQL + Redis rows are left out.`);
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function startService(sandbox, name, adapter, stores = {}) {
  const port = nextPort();
  const origin = `http://127.0.0.1:${port}`;
  await sandbox('register', { redirectUri: `${origin}/airtable-oauth` });
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
      LOG_LEVEL: 'silent',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000000',
      REDIS_URL: '',
      ...stores,
    },
    stdio: 'ignore',
  });
  children.push(child);
  const coldStartMs = await waitUntilUp(`${origin}/health`, started);
  console.error(`Started ${name} in ${coldStartMs} ms.`);
  return { name, origin, coldStartMs, pid: child.pid };
}

/** A signed-in session on a service: login, the sandbox's consent, the callback. Returns its Cookie header. */
export async function signIn(sandbox, origin) {
  const login = await fetch(`${origin}/auth/login`, { redirect: 'manual' });
  const binding = login.headers.getSetCookie()[0].split(';')[0];
  const page = await (await fetch(login.headers.get('location'))).text();
  const form = new URLSearchParams({ request: /name="request" value="([^"]+)"/.exec(page)[1], decision: 'allow' });
  for (const base of sandbox.bases) form.append('base', base);
  const consent = await fetch(`${sandbox.url}/oauth2/v1/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  const callback = new URL(consent.headers.get('location'));
  const done = await fetch(`${origin}${callback.pathname}${callback.search}`, { headers: { cookie: binding }, redirect: 'manual' });
  return done.headers.getSetCookie().find((c) => c.startsWith('sid=')).split(';')[0];
}

