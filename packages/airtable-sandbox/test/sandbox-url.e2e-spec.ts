import { type AirtableSandbox, startSandbox } from '../src/sandbox.server';

describe("the sandbox's URL", () => {
  let sandbox: AirtableSandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('names an IPv4 host as it is', async () => {
    sandbox = await startSandbox({ port: 0, host: '127.0.0.1' });
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('brackets an IPv6 host, giving a URL that reaches it', async (context) => {
    try {
      sandbox = await startSandbox({ port: 0, host: '::1' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') context.skip('this machine has no IPv6 loopback');
      throw error;
    }
    expect(sandbox.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await fetch(`${sandbox.url}/v0/meta/whoami`)).status).toBe(401);
  });
});
