import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Stack, startStack } from './support/stack';

const SCREENSHOTS = join(__dirname, '..', 'test-output', 'browser');

/** A person in headless Chromium (Debian's package), clicking through the whole flow against the sandbox. */
describe('In a real browser', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startStack();
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

  async function expectText(selector: string, text: string) {
    expect((await page.locator(selector).first().textContent())?.trim()).toBe(text);
  }
});
