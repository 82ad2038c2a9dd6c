import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import request from 'supertest';
import { ApiKeyStore } from '../src/api-keys/api-key.store';
import { type Stack, startStack } from './support/stack';

const SCREENSHOTS = join(__dirname, '..', 'test-output', 'browser');

/** A person in headless Chromium (Debian's package), clicking through the whole flow against the sandbox. */
describe('In a real browser', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startStack({ env: { CONNECT_RETURN_ORIGINS: 'https://app.example.com' } });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it('connects, grants bases, browses a base and signs out', async () => {
    await page.goto(stack.origin);
    await shot('1-signed-out');
    await page.getByRole('link', { name: 'Connect Airtable' }).click();

    await page.waitForURL(`${stack.sandbox.url}/oauth2/v1/authorize?**`);
    await page.getByLabel('Archive').uncheck();
    await page.getByLabel('Product Roadmap').uncheck();
    await shot('2-consent');
    await page.getByRole('button', { name: 'Grant access' }).click();

    await page.waitForURL(`${stack.origin}/`);
    await expectText('h1', 'Connected to Airtable');
    await expectText('#user-email', stack.sandbox.user.email);
    const bases = await page.locator('#bases a').allTextContents();
    expect(bases).toEqual(['Sales CRM', 'Hiring <Team> & "Ops"']);
    await shot('3-connected');

    await page.getByRole('link', { name: 'Sales CRM' }).click();
    await page.waitForURL(`${stack.origin}/browse/appSandboxCRM0001`);
    expect(await page.locator('.table-name').allTextContents()).toEqual(['Contacts', 'Companies', 'Deals']);
    await shot('4-base');

    await page.getByRole('link', { name: 'All bases' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${stack.origin}/`);
    await expectText('h1', 'Airtable connection');
    expect(await page.getByRole('link', { name: 'Connect Airtable' }).count()).toBe(1);
    await shot('5-signed-out-again');

    const cookies = await page.context().cookies(stack.origin);
    expect(cookies.find((c) => c.name === 'sid')).toBeUndefined();
  }, 60_000);

  it("connects through an app's link: cancels once, comes back to the link, then grants access", async () => {
    const { secret } = await stack.app.get(ApiKeyStore).create('backend', ['connections:read', 'connections:write']);
    const created = await request(stack.origin).post('/api/connect-sessions').set('Authorization', `Bearer ${secret}`).send({ endUserId: 'browser-user' }).expect(201);
    const link = created.body.url as string;

    await page.goto(link);
    await expectText('h1', 'Connect your Airtable account');
    expect(await page.locator('#scopes li').count()).toBeGreaterThan(0);
    await shot('6-connect-link');
    // The form posts here and its answer redirects to Airtable: the page's CSP must let that through.
    await page.getByRole('button', { name: 'Connect Airtable' }).click();
    await page.waitForURL(`${stack.sandbox.url}/oauth2/v1/authorize?**`);
    await page.getByRole('button', { name: 'Cancel' }).click();

    await page.waitForURL(link);
    await expectText('h1', 'Connect your Airtable account');
    await page.getByRole('button', { name: 'Connect Airtable' }).click();
    await page.waitForURL(`${stack.sandbox.url}/oauth2/v1/authorize?**`);
    await page.getByRole('button', { name: 'Grant access' }).click();

    await page.waitForURL(`${stack.origin}/connect/done`);
    await expectText('h1', 'Airtable is connected');
    await shot('7-connect-link-done');
    const owned = await request(stack.origin).get('/api/connections?endUserId=browser-user').set('Authorization', `Bearer ${secret}`).expect(200);
    expect(owned.body.connections).toHaveLength(1);

    await page.goto(link);
    await expectText('h1', 'Something went wrong');
    expect(await page.locator('code').first().textContent()).toBe('connect_link_used');
  }, 60_000);

  async function expectText(selector: string, text: string) {
    expect((await page.locator(selector).first().textContent())?.trim()).toBe(text);
  }
});
