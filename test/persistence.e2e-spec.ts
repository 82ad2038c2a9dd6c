import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeepAliveService } from '../src/connections/keep-alive.service';
import { TestBrowser } from './support/browser';
import { cookieValue, setCookie } from './support/cookies';
import { FakeClock } from './support/fake-clock';
import { type RunningService, startServiceProcess } from './support/service-process';
import { freePort, stacksClosedAfterEach, startStack, tempDatabase } from './support/stack';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64url');

/** Every byte SQLite wrote for the database: the file, its WAL and shared memory. */
function databaseBytes(path: string): Buffer {
  const dir = join(path, '..');
  return Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
}

describe('Persistence', () => {
  const start = stacksClosedAfterEach();

  describe('a real process killed with SIGKILL', () => {
    let running: RunningService;

    beforeAll(async () => {
      running = await startServiceProcess();
    }, 60_000);

    afterAll(() => running?.stop());

    it('keeps the user signed in and working across kill -9 and a restart', async () => {
      const { service, sandbox, origin } = running;
      const browser = new TestBrowser(running);
      expect((await browser.signIn()).status).toBe(303);
      await browser.agent.get('/me').expect(200);

      await service.kill();
      await service.start(origin);

      const me = await browser.agent.get('/me');
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(sandbox.user.id);
      const bases = await browser.agent.get('/bases').expect(200);
      expect(bases.body.bases).toHaveLength(sandbox.bases.length);
      expect(service.logs).not.toMatch(/oaa[A-Za-z0-9]{14}\.v1\./);
    }, 30_000);
  });

  it('keeps no token and no session id in the clear in the database file', async () => {
    const path = tempDatabase();
    const clock = new FakeClock();
    const stack = await start({ clock, sandbox: { accessTokenTtlMs: 1_000 }, env: { DATABASE_PATH: path, TOKEN_REFRESH_MARGIN_SECONDS: '0' } });
    const browser = new TestBrowser(stack);
    const sid = cookieValue(setCookie(await browser.signIn(), 'sid'))!;
    const grant = stack.sandbox.grants.allGrants().at(-1)!;
    const secrets = [grant.accessToken, grant.refreshToken, sid];
    clock.advance(1_100);
    await browser.agent.get('/me').expect(200); // a refresh: new tokens written
    secrets.push(grant.accessToken, grant.refreshToken);
    const bytes = databaseBytes(path);
    expect(bytes.includes(stack.sandbox.user.id)).toBe(true); // the file is the real store
    for (const secret of secrets) {
      expect(bytes.includes(secret)).toBe(false);
      expect(bytes.includes(secret.split('.').at(-1)!)).toBe(false);
    }
  });

  it('refuses tokens copied onto another connection: that one needs re-authorization, the owner is unharmed', async () => {
    const path = tempDatabase();
    const stack = await start({ env: { DATABASE_PATH: path } });
    const owner = new TestBrowser(stack);
    const other = new TestBrowser(stack);
    await owner.signIn();
    await other.signIn();
    const db = new Database(path);
    const [first, second] = db.prepare('SELECT id, tokens FROM connections ORDER BY created_at, rowid').all() as Array<{ id: string; tokens: string }>;
    db.prepare('UPDATE connections SET tokens = ? WHERE id = ?').run(first.tokens, second.id);
    db.close();

    const res = await other.agent.get('/me');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('reauth_required');
    await owner.agent.get('/me').expect(200);
  });

  it('rotates encryption keys: old records stay readable, new writes use the first key', async () => {
    const path = tempDatabase();
    const port = await freePort();
    const clock = new FakeClock();
    const first = await start({ port, clock, sandbox: { accessTokenTtlMs: 1_000 }, env: { DATABASE_PATH: path, TOKEN_ENCRYPTION_KEY: key(1), TOKEN_REFRESH_MARGIN_SECONDS: '0' } });
    const browser = new TestBrowser(first);
    await browser.signIn();
    await first.app.close();

    const rotated = await start({ port, clock, sandboxInstance: first.sandbox, env: { DATABASE_PATH: path, TOKEN_ENCRYPTION_KEY: `${key(2)},${key(1)}`, TOKEN_REFRESH_MARGIN_SECONDS: '0' } });
    await browser.agent.get('/me').expect(200);
    clock.advance(1_100);
    await browser.agent.get('/me').expect(200); // refreshed: re-sealed with key 2
    await rotated.app.close();

    const onlyNew = await start({ port, clock, sandboxInstance: first.sandbox, env: { DATABASE_PATH: path, TOKEN_ENCRYPTION_KEY: key(2) } });
    await browser.agent.get('/me').expect(200);
    await onlyNew.app.close();

    await start({ port, clock, sandboxInstance: first.sandbox, env: { DATABASE_PATH: path, TOKEN_ENCRYPTION_KEY: key(3) } });
    const lost = await browser.agent.get('/me');
    expect(lost.status).toBe(401);
    expect(lost.body.code).toBe('reauth_required');
  });

  it('keeps a connection alive in the background past its original refresh token lifetime', async () => {
    const clock = new FakeClock();
    const stack = await start({
      clock,
      sandbox: { accessTokenTtlMs: 1_000, refreshTokenTtlMs: 4_000 },
      env: { KEEPALIVE_INTERVAL_SECONDS: '1', KEEPALIVE_WINDOW_SECONDS: '3', KEEPALIVE_PACE_MS: '0', TOKEN_REFRESH_MARGIN_SECONDS: '0' },
    });
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const grant = stack.sandbox.grants.allGrants().at(-1)!;
    const original = grant.refreshToken;
    // Nobody uses the connection; the job alone (on its one-second timer) must renew it once it is in
    // the window, before the original token dies at 4 s.
    clock.advance(1_500);
    await vi.waitFor(() => expect(grant.refreshToken).not.toBe(original), { timeout: 5_000, interval: 20 });
    expect(stack.sandbox.recorder.tokenRequests.some((r) => r.grantType === 'refresh_token' && r.status === 200)).toBe(true);
    clock.advance(3_000);
    await browser.agent.get('/me').expect(200);
  });

  it('leaves alone connections whose refresh token is far from expiry', async () => {
    const stack = await start({ env: { KEEPALIVE_WINDOW_SECONDS: '60' } });
    await new TestBrowser(stack).signIn();
    expect(await stack.app.get(KeepAliveService).runOnce()).toBe(0);
    expect(stack.sandbox.recorder.tokenRequests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(0);
  });
});

describe('Sessions', () => {
  it('end after the idle time', async () => {
    const clock = new FakeClock();
    const stack = await startStack({ clock, env: { SESSION_IDLE_SECONDS: '1' } });
    try {
      const browser = new TestBrowser(stack);
      await browser.signIn();
      await browser.agent.get('/me').expect(200);
      clock.advance(1_300);
      const res = await browser.agent.get('/me');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthenticated');
    } finally {
      await stack.close();
    }
  });

  it('end after their absolute lifetime even when used all along', async () => {
    const clock = new FakeClock();
    const stack = await startStack({ clock, env: { SESSION_IDLE_SECONDS: '100', SESSION_TTL_SECONDS: '2' } });
    try {
      const browser = new TestBrowser(stack);
      await browser.signIn();
      for (let i = 0; i < 3; i++) {
        await browser.agent.get('/me').expect(200);
        clock.advance(500);
      }
      clock.advance(700);
      expect((await browser.agent.get('/me')).status).toBe(401);
    } finally {
      await stack.close();
    }
  });

  it("are deleted with the connection's tokens at sign-out", async () => {
    const path = tempDatabase();
    const stack = await startStack({ env: { DATABASE_PATH: path } });
    try {
      const browser = new TestBrowser(stack);
      await browser.signIn();
      const db = new Database(path, { readonly: true });
      const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      expect([count('connections'), count('sessions')]).toEqual([1, 1]);
      await browser.agent.post('/auth/logout').set('Origin', stack.origin).expect(303);
      expect([count('connections'), count('sessions')]).toEqual([0, 0]);
      db.close();
    } finally {
      await stack.close();
    }
  });
});
