import { TestBrowser } from './support/browser';
import { cookieValue, setCookie } from './support/cookies';
import request from 'supertest';
import { cli, type RunningService, startServiceProcess } from './support/service-process';
import { ENCRYPTION_KEY, SESSION_SECRET, tempDatabase } from './support/stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The real process at debug level, every flow driven through it, and its whole output searched. */
describe('Logs', () => {
  let running: RunningService;
  const databasePath = tempDatabase();

  beforeAll(async () => {
    running = await startServiceProcess({
      clientSecret: 'very-secret-client-secret',
      sandbox: { accessTokenTtlMs: 1_000 },
      env: { TOKEN_REFRESH_MARGIN_SECONDS: '0', LOG_LEVEL: 'trace', DATABASE_PATH: databasePath },
    });
  }, 60_000);

  afterAll(() => running?.stop());

  it('hold no code, state, verifier, token, secret, cookie or Authorization value, in any flow', async () => {
    const secrets: string[] = ['very-secret-client-secret', SESSION_SECRET, ENCRYPTION_KEY];
    const { sandbox, service, origin } = running;
    const browser = new TestBrowser(running);

    const login = await browser.agent.get('/auth/login').expect(302);
    secrets.push(cookieValue(setCookie(login, 'auth_binding'))!);
    const authorize = new URL(login.headers.location);
    secrets.push(authorize.searchParams.get('state')!, authorize.searchParams.get('code_challenge')!);
    const callback = await browser.consent(authorize.toString());
    const query = new URLSearchParams(callback.split('?')[1]);
    secrets.push(query.get('code')!);
    const done = await browser.callback(callback).expect(303);
    secrets.push(cookieValue(setCookie(done, 'sid'))!);
    secrets.push(sandbox.recorder.tokenRequests.at(-1)!.codeVerifier!);
    const grant = sandbox.grants.allGrants().at(-1)!;
    secrets.push(grant.accessToken, grant.refreshToken);

    await browser.agent.get('/me').set('Authorization', 'Bearer client-sent-bearer-value').expect(200);
    await browser.agent.get('/bases').expect(200);
    await browser.agent.get('/bases/appSandboxCRM0001/tables').set('X-Api-Key', 'client-sent-api-key').expect(200);
    // Airtable ends the token early (the service runs as a process of its own, on its own clock).
    sandbox.grants.expireAccessToken(grant);
    await browser.agent.get('/me').expect(200); // a refresh
    expect(sandbox.recorder.tokenRequests.filter((r) => r.grantType === 'refresh_token' && r.status === 200)).toHaveLength(1);
    secrets.push(grant.accessToken, grant.refreshToken, 'client-sent-bearer-value', 'client-sent-api-key');

    // Failures log too: replayed and forged callbacks, a markup error_description, an upstream fault.
    await browser.callback(callback);
    await browser.agent.get(`/airtable-oauth?state=${query.get('state')}&error=access_denied&error_description=%3Cscript%3Eleak-me-please%3C%2Fscript%3E`);
    await browser.agent.get('/airtable-oauth?state=forged-state-value-0123456789abcdefghijklmnopq&code=forged-code-value');
    secrets.push('leak-me-please', 'forged-state-value', 'forged-code-value');
    sandbox.recorder.fault('GET /v0/meta/whoami', { status: 500, body: 'upstream-body-detail' });
    await browser.agent.get('/me');
    sandbox.recorder.clearFaults();
    secrets.push('upstream-body-detail');
    await browser.agent.post('/auth/logout').set('Origin', origin).expect(303);

    // A connect link stays a bearer secret until it makes its connection: its page is logged without it.
    const key = cli(databasePath, 'api-keys', 'create', '--name', 'logs test', '--scopes', 'connections:write').trim().split('\n').at(-1)!;
    const link = (await request(origin).post('/api/connect-sessions').set('Authorization', `Bearer ${key}`).send({ endUserId: 'user-1' }).expect(201)).body.url as string;
    const linkPath = new URL(link).pathname;
    await request(origin).get(linkPath).expect(200);
    await request(origin).head(linkPath).expect(200);
    secrets.push(key, linkPath.split('/').at(-1)!);
    // The process writes its log lines on its own time: wait for the last request's.
    const loggedHead = () => service.logs.split('\n').some((line) => line.includes('"method":"HEAD"'));
    while (!loggedHead()) await sleep(10);

    const logs = service.logs;
    const lines = logs.split('\n').filter(Boolean);
    const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.req);
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.every((entry) => typeof entry.req.id === 'string' && entry.req.path)).toBe(true);
    expect(requests.some((entry) => entry.req.path === '/airtable-oauth')).toBe(true);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/oaa[A-Za-z0-9]{14}\.v1\./);
    expect(logs).not.toMatch(/[?&](code|state)=/);
    expect(logs.toLowerCase()).not.toContain('set-cookie');
  }, 60_000);
});
