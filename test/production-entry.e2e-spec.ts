import { type AirtableSandbox, ALL_SCOPES, SANDBOX_CLIENT_ID, startSandbox } from 'airtable-sandbox';
import { isSandboxModule, ModuleProbe } from './support/module-probe';
import { sandboxEnv } from './support/sandbox-env';
import { SERVICE_BUILD, ServiceProcess } from './support/service-process';
import { ENCRYPTION_KEY, freePort, SESSION_SECRET, tempDatabase } from './support/stack';

describe('The production entry (node dist/main.js)', () => {
  let sandbox: AirtableSandbox | undefined;
  let service: ServiceProcess | undefined;

  afterEach(async () => {
    await service?.kill();
    await sandbox?.stop();
  });

  it.each([['production', 'production'], ['unset', null]])('runs a full real configuration without ever loading the sandbox package (NODE_ENV %s)', async (_label, nodeEnv) => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    sandbox = await startSandbox({ port: 0, clients: [{ clientId: SANDBOX_CLIENT_ID, redirectUris: [`${origin}/airtable-oauth`], scopes: ALL_SCOPES }] });
    const probe = new ModuleProbe();
    const airtable = sandboxEnv(sandbox);
    delete airtable.AIRTABLE_SANDBOX;
    service = new ServiceProcess(
      { ...airtable, ...probe.env, PORT: String(port), SESSION_SECRET, TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY, DATABASE_PATH: tempDatabase(), LOG_LEVEL: 'silent' },
      { nodeArgs: probe.nodeArgs, nodeEnv },
    );
    await service.start(`${origin}/health`);
    expect((await fetch(`${origin}/auth/login`, { redirect: 'manual' })).headers.get('location')).toContain(sandbox.url);

    // The probe saw the service's own modules and its dependencies, so an absence below means something.
    expect(probe.modules).toEqual(expect.arrayContaining([`${SERVICE_BUILD}/main.js`, `${SERVICE_BUILD}/app.module.js`]));
    expect(probe.modules.some((path) => path.includes('/node_modules/@nestjs/core/'))).toBe(true);
    expect(probe.modules.filter(isSandboxModule)).toEqual([]);
    expect(probe.listens).toEqual([String(port)]);
  });
});
