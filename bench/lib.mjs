// What both benchmarks need: the sandbox in its own process (asked over IPC, see sandbox-process.mjs),
// the service started as `npm run start:prod` would, a signed-in session, a scratch PostgreSQL database.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port the system has just handed out, so no other process on the machine is listening on it. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/** `sandbox(type, args)` calls the sandbox process; `options` are its SandboxOptions (e.g. tableSizes). */
export async function startSandboxProcess(options = {}) {
  const child = fork(join(ROOT, 'bench', 'sandbox-process.mjs'), [JSON.stringify(options)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.push(child);
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`The sandbox process exited with ${code} before it was ready`))));
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
  await Promise.race([once(child, 'message'), exited]);
  sandbox.url = await sandbox('url');
  sandbox.bases = await sandbox('bases');
  return sandbox;
}

const START_DEADLINE_MS = 60_000;

/**
 * Starts a server process on a free port and waits until `path` answers: `start(port)` returns the child.
 * A child that exits first (its port taken in the meantime, say) is started again on another port, up to
 * three times; one that never answers fails the run after a deadline instead of stalling it.
 */
export async function startServer(name, path, start) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const child = await start(port, origin);
    const started = Date.now();
    children.push(child);
    let exitCode;
    child.once('exit', (code, signal) => (exitCode = code ?? signal));
    while (exitCode === undefined && Date.now() - started < START_DEADLINE_MS) {
      try {
        // A bounded attempt: one that never gets an answer must not stall the whole run.
        const res = await fetch(`${origin}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(2_000) });
        if (res.status < 500) return { origin, port, child, coldStartMs: Date.now() - started };
      } catch {
        // not listening yet
      }
      await sleep(10);
    }
    child.kill('SIGKILL');
    if (exitCode === undefined) throw new Error(`${name} did not answer ${path} within ${START_DEADLINE_MS / 1000} s`);
    if (attempt === 3) throw new Error(`${name} exited (${exitCode}) before answering, ${attempt} times`);
    console.error(`${name} exited (${exitCode}) before answering; starting it again on another port.`);
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
  const { origin, coldStartMs, child } = await startServer(name, '/health', async (port, origin) => {
    await sandbox('register', { redirectUri: `${origin}/airtable-oauth` });
    return spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
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
      // stderr shows why a service that exits at start did.
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  });
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

