import { TestBrowser } from './support/browser';
import { type Stack, startStack } from './support/stack';

const CRM = 'appSandboxCRM0001';

describe('Pages', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('lists the granted bases on the home page, escaped, each linking to its page', async () => {
    const browser = new TestBrowser(stack);
    const hr = stack.sandbox.bases.find((b) => b.name.includes('<'))!;
    expect((await browser.signIn({ bases: [CRM, hr.id] })).status).toBe(303);
    const home = await browser.home().expect(200);
    expect(home.headers['cache-control']).toBe('no-store');
    expect(home.text).toContain(`<a href="/browse/${CRM}">Sales CRM</a>`);
    expect(home.text).toContain(`<a href="/browse/${hr.id}">Hiring &lt;Team&gt; &amp; &quot;Ops&quot;</a>`);
    expect(home.text).not.toContain('<Team>');
    expect(home.text).not.toContain('Product Roadmap');
  });

  it("shows a base's table names with field and view counts", async () => {
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const page = await browser.agent.get(`/browse/${CRM}`).set('Accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<strong class="table-name">Contacts</strong>: 3 fields,\n2 views');
    expect(page.text).toContain('<strong class="table-name">Companies</strong>: 2 fields,\n1 view<');
    expect(page.text).toContain('<strong class="table-name">Deals</strong>: 4 fields,\n2 views');
  });

  it('answers a bad base id on a page with an HTML 400', async () => {
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const res = await browser.agent.get('/browse/app..%2F..%2Fmeta').set('Accept', 'text/html');
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalid_base_id');
    expect(res.text).not.toContain('..');
  });

  it('asks a signed-out visitor to connect first', async () => {
    const res = await new TestBrowser(stack).agent.get(`/browse/${CRM}`).set('Accept', 'text/html');
    expect(res.status).toBe(401);
    expect(res.text).toContain('href="/auth/login"');
  });

  it('still renders the home page when Airtable refuses the connection, and says so', async () => {
    const browser = new TestBrowser(stack);
    await browser.signIn();
    stack.sandbox.grants.revoke(stack.sandbox.grants.allGrants().at(-1)!);
    const home = await browser.home().expect(200);
    expect(home.text).toContain('Connected to Airtable');
    expect(home.text).toMatch(/id="bases-error"[^]*reauth_required/);
    expect(home.text).toContain('Connect again');
  });
});
