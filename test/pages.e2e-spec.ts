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

  it("shows a base's tables with field and view counts, each linked to its records", async () => {
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const page = await browser.agent.get(`/browse/${CRM}`).set('Accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const [contacts, companies, deals] = stack.sandbox.bases.find((b) => b.id === CRM)!.tables;
    const link = (table: { id: string; name: string }) => `<a class="table-name" href="/browse/${CRM}/tables/${table.id}">${table.name}</a>`;
    expect(page.text).toContain(`${link(contacts)}: 9 fields,\n2 views`);
    expect(page.text).toContain(`${link(companies)}: 2 fields,\n1 view<`);
    expect(page.text).toContain(`${link(deals)}: 4 fields,\n2 views`);
  });

  it('links each table to a records page: the first page as an HTML table, escaped, with a link to the next', async () => {
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const crm = stack.sandbox.bases.find((b) => b.id === CRM)!;
    const [contacts, companies] = crm.tables;
    const base = await browser.agent.get(`/browse/${CRM}`).set('Accept', 'text/html').expect(200);
    expect(base.text).toContain(`<a class="table-name" href="/browse/${CRM}/tables/${companies.id}">Companies</a>`);

    const hostile = '<script>alert(1)</script> & "Co"';
    await browser.agent.post(`/bases/${CRM}/tables/${companies.id}/records`).send({ records: [{ fields: { Name: hostile } }] }).expect(200);
    const page = await browser.agent.get(`/browse/${CRM}/tables/${companies.id}`).set('Accept', 'text/html').expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<th>Name</th><th>Website</th>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('This is the last page.');

    const first = await browser.agent.get(`/browse/${CRM}/tables/${contacts.id}`).set('Accept', 'text/html').expect(200);
    const next = /<a class="button" rel="next" href="([^"]+)">/.exec(first.text)![1].replace(/&amp;/g, '&');
    const second = await browser.agent.get(next).set('Accept', 'text/html').expect(200);
    const ids = (html: string) => [...html.matchAll(/<td><code>(rec[A-Za-z0-9]{14})<\/code><\/td>/g)].map((m) => m[1]);
    expect(ids(first.text)).toHaveLength(50);
    expect(ids(second.text)).toHaveLength(50);
    expect(ids(second.text).some((id) => ids(first.text).includes(id))).toBe(false);
  });

  it('answers a records page for a table the base does not have with an HTML 404', async () => {
    const browser = new TestBrowser(stack);
    await browser.signIn();
    const res = await browser.agent.get(`/browse/${CRM}/tables/tblAAAAAAAAAAAAAA`).set('Accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.text).toContain('table_not_found');
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
