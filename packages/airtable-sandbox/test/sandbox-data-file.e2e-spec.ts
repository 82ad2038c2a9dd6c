import { spawnSync } from 'node:child_process';
import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AirtableSandbox, startSandbox } from '../src/sandbox.server';
import { ALL_SCOPES } from '../src/sandbox.options';
import { sandboxTokens } from '../src/sandbox-access-token';

const CLIENTS = [{ clientId: 'kept-app', redirectUris: ['http://localhost:4000/airtable-oauth'], scopes: ALL_SCOPES }];
const CRM = 'appSandboxCRM0001';
const SCOPES = ['data.records:read', 'data.records:write', 'schema.bases:read', 'webhook:manage'];
const SIZES = { Contacts: 20 };

async function call(sandbox: AirtableSandbox, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const res = await fetch(`${sandbox.url}/v0/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function refresh(sandbox: AirtableSandbox, refreshToken: string): Promise<{ status: number; body: any }> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENTS[0].clientId });
  const res = await fetch(`${sandbox.url}/oauth2/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { status: res.status, body: await res.json() };
}

/** Waits until the data file says `saved`, as a later reader of it would see. */
async function savedSoon(file: string, saved: (text: string) => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!saved(await readFile(file, 'utf8'))) {
    if (Date.now() > deadline) throw new Error('The data file was not saved');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the sandbox kept in a data file', () => {
  let folder: string;
  let running: AirtableSandbox | undefined;
  const start = async (dataFile: string) => (running = await startSandbox({ port: 0, clients: CLIENTS, tableSizes: SIZES, dataFile }));

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'sandbox-data-'));
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await rm(folder, { recursive: true, force: true });
  });

  it('keeps tokens, refresh tokens, records and webhooks with their payloads across a restart', async () => {
    const file = join(folder, 'nested', 'sandbox.json');
    const first = await start(file);
    const tokens = await sandboxTokens(first, { scopes: SCOPES, baseIds: [CRM] });
    const hook = await call(first, tokens.access_token, 'POST', `bases/${CRM}/webhooks`, { specification: { options: { filters: { dataTypes: ['tableData'] } } } });
    expect(hook.status).toBe(200);
    const created = await call(first, tokens.access_token, 'POST', `${CRM}/Deals`, { fields: { Deal: 'Kept deal', Amount: 10 } });
    expect(created.status).toBe(200);
    await first.stop();
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = await start(file);
    const kept = await call(second, tokens.access_token, 'GET', `${CRM}/Deals/${created.body.id}`);
    expect(kept).toMatchObject({ status: 200, body: { fields: { Deal: 'Kept deal', Amount: 10 } } });
    const payloads = await call(second, tokens.access_token, 'GET', `bases/${CRM}/webhooks/${hook.body.id}/payloads`);
    expect(payloads.body).toMatchObject({ cursor: 2, payloads: [{ baseTransactionNumber: 1, changedTablesById: expect.any(Object) }] });
    const { id, macSecretBase64 } = hook.body;
    expect(second.webhooks.all()).toEqual([expect.objectContaining({ id, macSecretBase64, isHookEnabled: true })]);
    const again = await call(second, tokens.access_token, 'POST', `${CRM}/Deals`, { fields: { Deal: 'After restart' } });
    expect(again.status).toBe(200);
    expect((await call(second, tokens.access_token, 'GET', `bases/${CRM}/webhooks/${hook.body.id}/payloads?cursor=2`)).body.payloads).toEqual([
      expect.objectContaining({ baseTransactionNumber: 2 }),
    ]);

    const refreshed = await refresh(second, tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    expect((await call(second, tokens.access_token, 'GET', `${CRM}/Deals`)).status).toBe(401);
    expect((await call(second, refreshed.body.access_token, 'GET', `${CRM}/Deals`)).status).toBe(200);
  });

  it('saves soon after a change, without waiting for close', async () => {
    const file = join(folder, 'sandbox.json');
    const sandbox = await start(file);
    const { access_token } = await sandboxTokens(sandbox, { scopes: SCOPES, baseIds: [CRM] });
    const created = await call(sandbox, access_token, 'POST', `${CRM}/Deals`, { fields: { Deal: 'Saved soon' } });
    await savedSoon(file, (text) => text.includes(created.body.id));
  });

  it("saves a test control's change without waiting for a request", async () => {
    const file = join(folder, 'sandbox.json');
    const sandbox = await start(file);
    await sandboxTokens(sandbox, { scopes: SCOPES, baseIds: [CRM] });
    const [grant] = sandbox.grants.allGrants();
    sandbox.grants.revoke(grant);
    await savedSoon(file, (text) => JSON.parse(text).grants.grants[0]?.revoked === true);
  });

  it("refuses a second sandbox on the same file, naming the process, and leaves the first one's saves intact", async () => {
    const file = join(folder, 'sandbox.json');
    const first = await start(file);
    expect(await readFile(`${file}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    const { access_token } = await sandboxTokens(first, { scopes: SCOPES, baseIds: [CRM] });
    const before = await readFile(file, 'utf8');
    await expect(startSandbox({ port: 0, clients: CLIENTS, tableSizes: SIZES, dataFile: file })).rejects.toThrow(
      `The sandbox's data file ${file} is in use by process ${process.pid}`,
    );
    expect(await readFile(file, 'utf8')).toBe(before);

    const created = await call(first, access_token, 'POST', `${CRM}/Deals`, { fields: { Deal: 'After the refusal' } });
    await first.stop();
    running = undefined;
    expect(await readFile(file, 'utf8')).toContain(created.body.id);
    await expect(access(`${file}.lock`)).rejects.toThrow(/ENOENT/);
    const kept = await call(await start(file), access_token, 'GET', `${CRM}/Deals/${created.body.id}`);
    expect(kept).toMatchObject({ status: 200, body: { fields: { Deal: 'After the refusal' } } });
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const file = join(folder, 'sandbox.json');
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(`${file}.lock`, `${gone}\n`);
    await start(file);
    expect(await readFile(`${file}.lock`, 'utf8')).toBe(`${process.pid}\n`);
  });

  it('frees the file when the port is taken, for a sandbox that can start', async () => {
    const file = join(folder, 'sandbox.json');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      await expect(startSandbox({ port, clients: CLIENTS, tableSizes: SIZES, dataFile: file })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      taken.close();
    }
    await expect(access(`${file}.lock`)).rejects.toThrow(/ENOENT/);
    await start(file);
  });

  it('starts fresh when the file does not exist, and writes it at once', async () => {
    const file = join(folder, 'sandbox.json');
    await start(file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, grants: { grants: [] }, webhooks: { hooks: [] } });
  });

  it('refuses to start from a file that is corrupt or of another version, and leaves it as it was', async () => {
    const file = join(folder, 'sandbox.json');
    for (const text of ['{"version":1,"bases":', '{"version":2,"bases":[]}', '{"version":1,"bases":[]}']) {
      await writeFile(file, text);
      await expect(startSandbox({ port: 0, clients: CLIENTS, tableSizes: SIZES, dataFile: file })).rejects.toThrow(new RegExp(`data file ${file} cannot be used`));
      expect(await readFile(file, 'utf8')).toBe(text);
    }
  });
});
