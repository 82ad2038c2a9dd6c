import Airtable from 'airtable';
import { type AirtableSandbox, startSandbox } from '../src/sandbox.server';
import { ALL_SCOPES } from '../src/sandbox.options';
import { sandboxAccessToken } from '../src/sandbox-access-token';

const CRM = 'appSandboxCRM0001';

/** Airtable's official JS client, unchanged, against the sandbox with a token from the sandbox's OAuth flow. */
describe("Airtable's JS client against the sandbox", () => {
  let sandbox: AirtableSandbox;
  let base: Airtable.Base;
  let contacts: string;
  let deals: string;
  const stored = (tableId: string) => sandbox.records.all(tableId);
  const calls = (route: string) => sandbox.recorder.count(route);

  beforeAll(async () => {
    // The client retries 429s by itself, which would hide them; the limit is raised instead, and 429s counted.
    sandbox = await startSandbox({
      port: 0,
      clients: [{ clientId: 'airtable-js', redirectUris: ['http://localhost:4000/airtable-oauth'], scopes: ALL_SCOPES }],
      rateLimitPerSecond: 10_000,
      tableSizes: { Contacts: 600 },
    });
    const token = await sandboxAccessToken(sandbox, { baseIds: [CRM] });
    base = new Airtable({ apiKey: token, endpointUrl: sandbox.url }).base(CRM);
    [contacts, , deals] = sandbox.bases.find((b) => b.id === CRM)!.tables.map((t) => t.id);
  });
  afterEach(() => expect(sandbox.recorder.statusCount(429)).toBe(0));
  afterAll(() => sandbox.stop());

  it('selects every page of a filtered, sorted selection of fields with all()', async () => {
    const before = calls(`GET /v0/${CRM}/Contacts`);
    const records = await base('Contacts')
      .select({ filterByFormula: '{Score} > 20', sort: [{ field: 'Score', direction: 'desc' }], fields: ['Name', 'Score'] })
      .all();
    const expected = stored(contacts)
      .filter((r) => (r.fields.Score as number) > 20)
      .sort((a, b) => (b.fields.Score as number) - (a.fields.Score as number));
    expect(records.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(records.map((r) => r.fields)).toEqual(expected.map((r) => ({ Name: r.fields.Name, Score: r.fields.Score })));
    expect(calls(`GET /v0/${CRM}/Contacts`) - before).toBe(Math.ceil(expected.length / 100));
    expect(expected.length).toBeGreaterThan(100);
  });

  it('pages with eachPage, by page size and up to maxRecords', async () => {
    const sizes: number[] = [];
    const ids: string[] = [];
    await base(contacts)
      .select({ pageSize: 50, maxRecords: 120, view: 'All contacts' })
      .eachPage((records, next) => {
        sizes.push(records.length);
        ids.push(...records.map((r) => r.id));
        next();
      });
    expect(sizes).toEqual([50, 50, 20]);
    expect(ids).toEqual(stored(contacts).slice(0, 120).map((r) => r.id));
  });

  it('finds one record, and reports one that does not exist as NOT_FOUND', async () => {
    const first = stored(contacts)[0];
    const record = await base('Contacts').find(first.id);
    expect(record.id).toBe(first.id);
    expect(record.fields).toEqual(first.fields);
    expect(record.get('Name')).toBe(first.fields.Name);
    await expect(base('Contacts').find('recAAAAAAAAAAAAAA')).rejects.toMatchObject({ error: 'NOT_FOUND', statusCode: 404 });
  });

  it('creates records from a list and from a single set of fields, with typecast', async () => {
    const created = await base('Deals').create([{ fields: { Deal: 'js one', Amount: 10 } }, { fields: { Deal: 'js two', Stage: 'Proposal' } }]);
    expect(created.map((r) => r.fields)).toEqual([
      { Deal: 'js one', Amount: 10 },
      { Deal: 'js two', Stage: 'Proposal' },
    ]);
    const single = await base('Deals').create({ Deal: 'js three', Amount: '12.5', 'Close date': 'June 3, 2025' }, { typecast: true });
    expect(single.fields).toEqual({ Deal: 'js three', Amount: 12.5, 'Close date': '2025-06-03' });
    expect(stored(deals).slice(-3).map((r) => r.fields.Deal)).toEqual(['js one', 'js two', 'js three']);
  });

  it('updates (PATCH) and replaces (PUT), as a list and one at a time', async () => {
    const [a, b] = await base('Deals').create([{ fields: { Deal: 'js edit a', Amount: 1, Stage: 'Proposal' } }, { fields: { Deal: 'js edit b', Amount: 2 } }]);
    const updated = await base('Deals').update([{ id: a.id, fields: { Amount: 3 } }]);
    expect(updated[0].fields).toEqual({ Deal: 'js edit a', Amount: 3, Stage: 'Proposal' });
    const one = await base('Deals').update(b.id, { Stage: 'Negotiation' });
    expect(one.fields).toEqual({ Deal: 'js edit b', Amount: 2, Stage: 'Negotiation' });
    const replaced = await base('Deals').replace([{ id: a.id, fields: { Deal: 'js replaced a' } }]);
    expect(replaced[0].fields).toEqual({ Deal: 'js replaced a' });
    const replacedOne = await base('Deals').replace(b.id, { Amount: 4 });
    expect(replacedOne.fields).toEqual({ Amount: 4 });
    expect(sandbox.records.all(deals).find((r) => r.id === b.id)!.fields).toEqual({ Amount: 4 });
  });

  it('destroys a list of records and a single one', async () => {
    const made = await base('Deals').create([{ fields: { Deal: 'js gone 1' } }, { fields: { Deal: 'js gone 2' } }, { fields: { Deal: 'js gone 3' } }]);
    const destroyed = await base('Deals').destroy([made[0].id, made[1].id]);
    expect(destroyed.map((r) => r.id)).toEqual([made[0].id, made[1].id]);
    const one = await base('Deals').destroy(made[2].id);
    expect(one.id).toBe(made[2].id);
    expect(stored(deals).some((r) => r.fields.Deal?.toString().startsWith('js gone'))).toBe(false);
  });

  it('switches to POST listRecords for a formula too long for a URL, and pages it', async () => {
    const clauses = Array.from({ length: 700 }, (_, i) => `{Name} = 'nobody ${i}'`);
    const filterByFormula = `OR(${clauses.join(', ')}, {Active})`;
    expect(filterByFormula.length).toBeGreaterThan(16_000);
    const route = `POST /v0/${CRM}/Contacts/listRecords`;
    const before = calls(route);
    const records = await base('Contacts').select({ filterByFormula, fields: ['Name', 'Active'] }).all();
    const expected = stored(contacts).filter((r) => r.fields.Active === true);
    expect(records.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(calls(route) - before).toBe(Math.ceil(expected.length / 100));
    expect(expected.length).toBeGreaterThan(100);
  });

  it("passes Airtable's error types on: a bad formula, an unknown field", async () => {
    await expect(base('Contacts').select({ filterByFormula: '{Name} =' }).firstPage()).rejects.toMatchObject({ error: 'INVALID_FILTER_BY_FORMULA', statusCode: 422 });
    await expect(base('Deals').create({ Nope: 1 })).rejects.toMatchObject({ error: 'UNKNOWN_FIELD_NAME', statusCode: 422 });
    await expect(base('No such table').select().firstPage()).rejects.toMatchObject({ statusCode: 404 });
  });
});
