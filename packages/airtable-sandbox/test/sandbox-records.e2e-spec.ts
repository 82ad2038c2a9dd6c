import type { SandboxRecord } from '../src/sandbox-record-types';
import { type AirtableSandbox, startSandbox } from '../src/sandbox.server';
import { ALL_SCOPES } from '../src/sandbox.options';
import { sandboxAccessToken } from '../src/sandbox-access-token';
import { TestClock } from './support/test-clock';

const REDIRECT = 'http://localhost:4000/airtable-oauth';
const CLIENTS = [{ clientId: 'records-app', redirectUris: [REDIRECT], scopes: ALL_SCOPES }];
const CRM = 'appSandboxCRM0001';
const PM = 'appSandboxPM00001';
const HR = 'appSandboxHR00001';
const ARCHIVE = 'appSandboxArchive';
const RECORD_ID = /^rec[A-Za-z0-9]{14}$/;

interface Listed {
  id: string;
  createdTime: string;
  fields: Record<string, unknown>;
  commentCount?: number;
}

interface Answer {
  status: number;
  /** Parsed JSON, as loosely typed as supertest's `res.body`: each test reads the shape it expects. */
  body: any;
}

interface Call {
  query?: string;
  body?: unknown;
  /** Sent as is (e.g. malformed JSON). */
  raw?: string;
  token?: string;
}

/** A Web API call over real HTTP. */
async function call(sandbox: AirtableSandbox, token: string, method: string, path: string, init: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${init.token ?? token}` };
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sandbox.url}/v0/${path}${init.query ? `?${init.query}` : ''}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const q = (params: Record<string, string | number | boolean>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
const errorType = (answer: Answer) => answer.body?.error?.type ?? answer.body?.error;

describe('Airtable sandbox: records', () => {
  let sandbox: AirtableSandbox;
  let token: string;
  let contacts: string;
  let companies: string;
  let deals: string;
  let features: string;
  const api = (method: string, path: string, init?: Call) => call(sandbox, token, method, path, init);

  /** Every record of a list, page by page, checking each page on the way. */
  async function everyPage(path: string, query = ''): Promise<{ records: Listed[]; pages: number }> {
    const records: Listed[] = [];
    let offset: string | undefined;
    let pages = 0;
    do {
      const page = await api('GET', path, { query: [query, offset ? `offset=${encodeURIComponent(offset)}` : ''].filter(Boolean).join('&') });
      expect(page.status).toBe(200);
      expect(page.body.records.length).toBeLessThanOrEqual(100);
      records.push(...page.body.records);
      offset = page.body.offset;
      if (offset !== undefined) expect(offset).toMatch(/^itr[A-Za-z0-9]{14}\/rec[A-Za-z0-9]{14}$/);
      pages++;
    } while (offset);
    return { records, pages };
  }

  const stored = (tableId: string) => sandbox.records.all(tableId);
  const byId = (tableId: string, id: string) => stored(tableId).find((r) => r.id === id);

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clients: CLIENTS, rateLimitPerSecond: 100_000 });
    token = await sandboxAccessToken(sandbox);
    const crm = sandbox.bases.find((b) => b.id === CRM)!;
    [contacts, companies, deals] = crm.tables.map((t) => t.id);
    features = sandbox.bases.find((b) => b.id === PM)!.tables[0].id;
  });
  afterAll(() => sandbox.stop());

  describe('seeded data', () => {
    it('seeds every table with the default sizes, the same records on every start', async () => {
      expect(stored(contacts)).toHaveLength(2_500);
      expect(stored(companies)).toHaveLength(40);
      expect(stored(deals)).toHaveLength(60);
      const again = await startSandbox({ port: 0, clients: CLIENTS, tableSizes: { Deals: 3 } });
      try {
        expect(again.records.all(contacts).slice(0, 50)).toEqual(stored(contacts).slice(0, 50));
        expect(again.records.all(deals)).toHaveLength(3);
      } finally {
        await again.stop();
      }
    });

    it('shows the new field types in the schema, and never a view filter or sort', async () => {
      const schema = await api('GET', `meta/bases/${CRM}/tables`);
      const table = schema.body.tables[0];
      expect(table.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual([
        'Name:singleLineText',
        'Email:email',
        'Company:multipleRecordLinks',
        'Score:number',
        'Active:checkbox',
        'Stage:singleSelect',
        'Signed up:date',
        'Tags:multipleSelects',
        'Last contacted:dateTime',
      ]);
      expect(table.fields[5].options.choices[0]).toEqual({ id: expect.stringMatching(/^sel[A-Za-z0-9]{14}$/), name: 'Lead', color: expect.any(String) });
      expect(table.fields[2].options.linkedTableId).toBe(companies);
      for (const view of schema.body.tables.flatMap((t: { views: object[] }) => t.views)) {
        expect(view).not.toHaveProperty('filter');
        expect(view).not.toHaveProperty('sort');
      }
    });
  });

  describe('listing', () => {
    it('pages through a whole table in creation order, at most 100 a page, each record once', async () => {
      const { records, pages } = await everyPage(`${CRM}/${contacts}`);
      expect(pages).toBe(25);
      expect(records.map((r) => r.id)).toEqual(stored(contacts).map((r) => r.id));
      expect(records[0]).toEqual({
        id: expect.stringMatching(RECORD_ID),
        createdTime: stored(contacts)[0].createdTime,
        fields: stored(contacts)[0].fields,
      });
    });

    it('finds a table by its URL-encoded name as well as by its id', async () => {
      const byName = await api('GET', `${CRM}/${encodeURIComponent('Contacts')}`, { query: 'pageSize=3' });
      expect(byName.body.records).toEqual((await api('GET', `${CRM}/${contacts}`, { query: 'pageSize=3' })).body.records);
      expect((await api('GET', `${PM}/${encodeURIComponent('Features')}`, { query: 'pageSize=1' })).status).toBe(200);
    });

    it('answers 404 TABLE_NOT_FOUND for a table the base does not have', async () => {
      const res = await api('GET', `${CRM}/${encodeURIComponent('No such table')}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { type: 'TABLE_NOT_FOUND', message: expect.any(String) } });
      expect((await api('GET', `${CRM}/${features}`)).status).toBe(404);
    });

    it.each([
      ['a page size over 100', 'pageSize=101'],
      ['a page size of 0', 'pageSize=0'],
      ['a page size that is no number', 'pageSize=ten'],
      ['a maxRecords of 0', 'maxRecords=0'],
      ['an unknown parameter', 'colour=red'],
      ['a repeated parameter', 'view=a&view=b'],
      ['an unknown sort direction', 'sort[0][field]=Name&sort[0][direction]=up'],
      ['a sort direction without a field', 'sort[0][direction]=asc'],
      ['recordMetadata other than commentCount', 'recordMetadata[]=likes'],
      ['cellFormat=string without userLocale', 'cellFormat=string&timeZone=UTC'],
      ['cellFormat=string without timeZone', 'cellFormat=string&userLocale=en-us'],
      ['an unknown time zone', 'cellFormat=string&timeZone=Mars/Olympus&userLocale=en-us'],
      ['an unknown cellFormat', 'cellFormat=xml'],
      ['returnFieldsByFieldId that is no boolean', 'returnFieldsByFieldId=yes'],
    ])('refuses %s with 422 INVALID_REQUEST_UNKNOWN', async (_case, query) => {
      const res = await api('GET', `${CRM}/${contacts}`, { query });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ error: { type: 'INVALID_REQUEST_UNKNOWN', message: expect.any(String) } });
    });

    it('takes a page size, and caps the total across pages with maxRecords', async () => {
      expect((await api('GET', `${CRM}/${contacts}`, { query: 'pageSize=7' })).body.records).toHaveLength(7);
      const { records, pages } = await everyPage(`${CRM}/${contacts}`, 'maxRecords=150');
      expect(records.map((r) => r.id)).toEqual(stored(contacts).slice(0, 150).map((r) => r.id));
      expect(pages).toBe(2);
      const small = await api('GET', `${CRM}/${contacts}`, { query: 'maxRecords=100' });
      expect(small.body.records).toHaveLength(100);
      expect(small.body).not.toHaveProperty('offset');
    });

    it('answers only the fields asked for, by name or id, and leaves empty cells out', async () => {
      const table = sandbox.bases[0].tables[0];
      const scoreId = table.fields.find((f) => f.name === 'Score')!.id;
      const res = await api('GET', `${CRM}/${contacts}`, { query: `fields[]=Name&fields[]=${scoreId}` });
      expect(res.status).toBe(200);
      const expected = stored(contacts).slice(0, 100).map((r) => ({
        Name: r.fields.Name,
        ...(r.fields.Score === undefined ? {} : { Score: r.fields.Score }),
      }));
      expect(res.body.records.map((r: Listed) => r.fields)).toEqual(expected);
      expect(expected.some((fields) => !('Score' in fields))).toBe(true);
      const unknown = await api('GET', `${CRM}/${contacts}`, { query: 'fields[]=Name&fields[]=Nope' });
      expect(unknown.status).toBe(422);
      expect(errorType(unknown)).toBe('UNKNOWN_FIELD_NAME');
    });

    it('sorts by several fields, empty cells first ascending, and refuses an unknown sort field', async () => {
      const { records } = await everyPage(`${CRM}/${contacts}`, 'sort[0][field]=Score&sort[0][direction]=desc&sort[1][field]=Name&fields[]=Score&fields[]=Name');
      const score = (r: { fields: Record<string, unknown> }) => (r.fields.Score as number | undefined) ?? -Infinity;
      const name = (r: { fields: Record<string, unknown> }) => String(r.fields.Name).toLowerCase();
      const expected = [...stored(contacts)].sort((a, b) => score(b) - score(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
      expect(records.map((r) => r.id)).toEqual(expected.map((r) => r.id));
      const unknown = await api('GET', `${CRM}/${contacts}`, { query: 'sort[0][field]=Nope' });
      expect(errorType(unknown)).toBe('UNKNOWN_FIELD_NAME');
    });

    it("applies a view's filter and order, by view name or id; a sort in the request replaces the view's", async () => {
      const view = sandbox.bases[0].tables[0].views[1];
      const stages = ['Lead', 'Qualified', 'Customer', 'Churned'];
      const name = (r: SandboxRecord) => String(r.fields.Name).toLowerCase();
      const expected = stored(contacts)
        .filter((r) => r.fields.Stage !== undefined)
        .sort((a, b) =>
          stages.indexOf(a.fields.Stage as string) - stages.indexOf(b.fields.Stage as string) ||
          (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
      const byName = await everyPage(`${CRM}/${contacts}`, q({ view: 'By stage' }));
      expect(byName.records.map((r) => r.id)).toEqual(expected.map((r) => r.id));
      const byViewId = await api('GET', `${CRM}/${contacts}`, { query: q({ view: view.id, pageSize: 5 }) });
      expect(byViewId.body.records.map((r: Listed) => r.id)).toEqual(expected.slice(0, 5).map((r) => r.id));

      const resorted = await everyPage(`${CRM}/${contacts}`, `${q({ view: 'By stage' })}&sort[0][field]=Score`);
      const score = (r: { fields: Record<string, unknown> }) => (r.fields.Score as number | undefined) ?? -Infinity;
      const inView = stored(contacts).filter((r) => r.fields.Stage !== undefined);
      expect(resorted.records.map((r) => r.id)).toEqual(inView.sort((a, b) => score(a) - score(b)).map((r) => r.id));

      const unknown = await api('GET', `${CRM}/${contacts}`, { query: q({ view: 'No such view' }) });
      expect(unknown.status).toBe(422);
      expect(errorType(unknown)).toBe('VIEW_NAME_NOT_FOUND');
    });

    it('filters by formula, within the view when there is one', async () => {
      const formula = 'AND({Active}, {Score} > 50)';
      const { records } = await everyPage(`${CRM}/${contacts}`, q({ filterByFormula: formula }));
      const expected = stored(contacts).filter((r) => r.fields.Active === true && (r.fields.Score as number) > 50);
      expect(records.map((r) => r.id)).toEqual(expected.map((r) => r.id));
      expect(expected.length).toBeGreaterThan(100);
      expect(expected.length).toBeLessThan(stored(contacts).length);

      const dealsInPipeline = await everyPage(`${CRM}/${deals}`, q({ view: 'Pipeline', filterByFormula: '{Amount} >= 100000' }));
      const open = stored(deals).filter((r) => !['Closed won', 'Closed lost'].includes(r.fields.Stage as string) && (r.fields.Amount as number) >= 100_000);
      expect(dealsInPipeline.records.map((r) => r.id).sort()).toEqual(open.map((r) => r.id).sort());

      const search = await everyPage(`${CRM}/${contacts}`, q({ filterByFormula: `AND(FIND("o'brien", LOWER({Name})), IS_AFTER({Signed up}, '2023-01-01'))` }));
      const expectedSearch = stored(contacts).filter((r) => String(r.fields.Name).toLowerCase().includes("o'brien") && ((r.fields['Signed up'] as string | undefined) ?? '') > '2023-01-01');
      expect(search.records.map((r) => r.id)).toEqual(expectedSearch.map((r) => r.id));
      expect(expectedSearch.length).toBeGreaterThan(0);
    });

    it.each([
      ['an incomplete formula', '{Name} = '],
      ['an unknown field', "{Nope} = 'x'"],
      ['an unknown function', 'NOPE({Name})'],
    ])('refuses %s with 422 INVALID_FILTER_BY_FORMULA', async (_case, formula) => {
      const res = await api('GET', `${CRM}/${contacts}`, { query: q({ filterByFormula: formula }) });
      expect(res.status).toBe(422);
      expect(errorType(res)).toBe('INVALID_FILTER_BY_FORMULA');
    });

    it('answers every cell as text with cellFormat=string, in the locale and time zone asked for', async () => {
      const record = stored(contacts).find((r) => ['Score', 'Active', 'Tags', 'Company', 'Signed up', 'Last contacted'].every((name) => r.fields[name] !== undefined))!;
      const formula = `RECORD_ID() = '${record.id}'`;
      const res = await api('GET', `${CRM}/${contacts}`, { query: q({ filterByFormula: formula, cellFormat: 'string', timeZone: 'America/New_York', userLocale: 'de-de' }) });
      expect(res.status).toBe(200);
      const companyNames = (record.fields.Company as string[]).map((id) => byId(companies, id)!.fields.Name);
      const day = { year: 'numeric', month: 'numeric', day: 'numeric' } as const;
      expect(res.body.records[0].fields).toEqual({
        Name: record.fields.Name,
        Email: record.fields.Email,
        Company: companyNames.join(', '),
        Score: String(record.fields.Score),
        Active: 'checked',
        ...(record.fields.Stage === undefined ? {} : { Stage: record.fields.Stage }),
        'Signed up': new Intl.DateTimeFormat('de-de', { ...day, timeZone: 'UTC' }).format(Date.parse(record.fields['Signed up'] as string)),
        Tags: (record.fields.Tags as string[]).join(', '),
        'Last contacted': new Intl.DateTimeFormat('de-de', { ...day, hour: 'numeric', minute: '2-digit', timeZone: 'America/New_York' }).format(
          Date.parse(record.fields['Last contacted'] as string),
        ),
      });

      const deal = stored(deals).find((r) => (r.fields.Amount as number) >= 1000)!;
      const money = await api('GET', `${CRM}/${deals}/${deal.id}`, { query: q({ cellFormat: 'string', timeZone: 'UTC', userLocale: 'en-us' }) });
      expect(money.body.fields.Amount).toBe(`$${(deal.fields.Amount as number).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
    });

    it('keys fields by id with returnFieldsByFieldId, and adds commentCount when asked', async () => {
      const table = sandbox.bases[0].tables[0];
      const res = await api('GET', `${CRM}/${contacts}`, { query: 'pageSize=3&returnFieldsByFieldId=true&recordMetadata[]=commentCount' });
      const first = stored(contacts)[0];
      expect(res.body.records[0]).toEqual({
        id: first.id,
        createdTime: first.createdTime,
        fields: Object.fromEntries(Object.entries(first.fields).map(([name, value]) => [table.fields.find((f) => f.name === name)!.id, value])),
        commentCount: 0,
      });
    });

    it('lists with POST listRecords and a JSON body, as GET does; timeZone and userLocale may come in the query', async () => {
      const get = await api('GET', `${CRM}/${contacts}`, { query: 'pageSize=20&fields[]=Name&sort[0][field]=Name&sort[0][direction]=desc&filterByFormula=%7BActive%7D' });
      const body = { pageSize: 20, fields: ['Name'], sort: [{ field: 'Name', direction: 'desc' }], filterByFormula: '{Active}' };
      const post = await api('POST', `${CRM}/${contacts}/listRecords`, { body });
      expect(post.status).toBe(200);
      expect(post.body.records).toEqual(get.body.records);
      const next = await api('POST', `${CRM}/${contacts}/listRecords`, { body: { ...body, offset: post.body.offset } });
      expect(next.body.records.map((r: Listed) => r.id)).toEqual(
        (await api('GET', `${CRM}/${contacts}`, { query: `pageSize=20&fields[]=Name&sort[0][field]=Name&sort[0][direction]=desc&filterByFormula=%7BActive%7D&offset=${encodeURIComponent(get.body.offset)}` })).body.records.map(
          (r: Listed) => r.id,
        ),
      );
      const text = await api('POST', `${CRM}/${contacts}/listRecords`, { query: q({ timeZone: 'UTC', userLocale: 'en-us' }), body: { cellFormat: 'string', pageSize: 1 } });
      expect(text.status).toBe(200);
      expect(errorType(await api('POST', `${CRM}/${contacts}/listRecords`, { body: { colour: 'red' } }))).toBe('INVALID_REQUEST_UNKNOWN');
      expect(errorType(await api('POST', `${CRM}/${contacts}/listRecords`, { body: { pageSize: '20' } }))).toBe('INVALID_REQUEST_UNKNOWN');
      expect((await api('POST', `${CRM}/${contacts}/listRecords`, { raw: '{"pageSize":' })).status).toBe(400);
    });

    it('answers 414 for a URL over 16,000 characters, and takes the same formula in a POST body', async () => {
      const formula = `OR(${Array.from({ length: 800 }, (_, i) => `{Name} = 'nobody ${i}'`).join(', ')}, {Score} = 100)`;
      const long = await api('GET', `${CRM}/${contacts}`, { query: q({ filterByFormula: formula }) });
      expect(long.status).toBe(414);
      expect(errorType(long)).toBe('INVALID_REQUEST_UNKNOWN');
      const post = await api('POST', `${CRM}/${contacts}/listRecords`, { body: { filterByFormula: formula } });
      expect(post.status).toBe(200);
      expect(post.body.records.map((r: Listed) => r.id))
        .toEqual(stored(contacts).filter((r) => r.fields.Score === 100).map((r) => r.id).slice(0, 100));
    });

    it('answers one record, keyed by id when asked, and a bare 404 NOT_FOUND for one that does not exist', async () => {
      const first = stored(contacts)[0];
      const one = await api('GET', `${CRM}/${contacts}/${first.id}`);
      expect(one.body).toEqual({ id: first.id, createdTime: first.createdTime, fields: first.fields });
      const byFieldId = await api('GET', `${CRM}/${contacts}/${first.id}`, { query: 'returnFieldsByFieldId=true' });
      expect(Object.keys(byFieldId.body.fields).every((key) => key.startsWith('fld'))).toBe(true);
      const missing = await api('GET', `${CRM}/${contacts}/recAAAAAAAAAAAAAA`);
      expect(missing).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
      expect(errorType(await api('GET', `${CRM}/${contacts}/${first.id}`, { query: 'pageSize=1' }))).toBe('INVALID_REQUEST_UNKNOWN');
    });
  });

  describe('offsets', () => {
    let short: AirtableSandbox;
    let shortToken: string;
    const clock = new TestClock();
    const shortApi = (method: string, path: string, init?: Call) => call(short, shortToken, method, path, init);

    beforeAll(async () => {
      short = await startSandbox({
        port: 0, clients: CLIENTS, clock, rateLimitPerSecond: 100_000, offsetTtlMs: 300, maxListIterations: 2, tableSizes: { Contacts: 250 },
      });
      shortToken = await sandboxAccessToken(short);
    });
    afterAll(() => short.stop());

    it('keeps an offset working while it is used, then answers LIST_RECORDS_ITERATOR_NOT_AVAILABLE', async () => {
      const first = await shortApi('GET', `${CRM}/${contacts}`);
      for (let i = 0; i < 3; i++) {
        clock.advance(200);
        expect((await shortApi('GET', `${CRM}/${contacts}`, { query: `offset=${encodeURIComponent(first.body.offset)}` })).status).toBe(200);
      }
      clock.advance(400);
      const expired = await shortApi('GET', `${CRM}/${contacts}`, { query: `offset=${encodeURIComponent(first.body.offset)}` });
      expect(expired.status).toBe(422);
      expect(errorType(expired)).toBe('LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
    });

    it('drops the least recently used iteration past maxListIterations', async () => {
      const offsets = [];
      for (let i = 0; i < 3; i++) offsets.push((await shortApi('GET', `${CRM}/${contacts}`, { query: `pageSize=${10 + i}` })).body.offset);
      expect(errorType(await shortApi('GET', `${CRM}/${contacts}`, { query: `offset=${encodeURIComponent(offsets[0])}` }))).toBe('LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
      expect((await shortApi('GET', `${CRM}/${contacts}`, { query: `offset=${encodeURIComponent(offsets[2])}` })).status).toBe(200);
    });

    it.each([
      ['no iteration at all', 'garbage'],
      ['only a record id', 'recAAAAAAAAAAAAAA'],
    ])('answers INVALID_OFFSET_VALUE for an offset that is %s', async (_case, offset) => {
      const res = await shortApi('GET', `${CRM}/${contacts}`, { query: `offset=${offset}` });
      expect(res.status).toBe(422);
      expect(errorType(res)).toBe('INVALID_OFFSET_VALUE');
    });

    it('answers INVALID_OFFSET_VALUE for a live offset of another table', async () => {
      const offset = (await shortApi('GET', `${CRM}/${contacts}`, { query: 'pageSize=5' })).body.offset;
      expect(errorType(await shortApi('GET', `${CRM}/${deals}`, { query: `offset=${encodeURIComponent(offset)}` }))).toBe('INVALID_OFFSET_VALUE');
    });

    it('evaluates filter and sort once: later pages skip records deleted since, and leave out records created since', async () => {
      const formula = q({ filterByFormula: '{Score} > 0', pageSize: 10 });
      const first = await shortApi('GET', `${CRM}/${contacts}`, { query: formula });
      const expected = short.records.all(contacts).filter((r) => (r.fields.Score as number) > 0);
      const deleted = expected.slice(10, 12).map((r) => r.id);
      expect((await shortApi('DELETE', `${CRM}/${contacts}`, { query: deleted.map((id) => `records[]=${id}`).join('&') })).status).toBe(200);
      const created = await shortApi('POST', `${CRM}/${contacts}`, { body: { records: [{ fields: { Name: 'Late', Score: 1 } }] } });
      const rest: Listed[] = [];
      let offset = first.body.offset;
      while (offset) {
        const page = await shortApi('GET', `${CRM}/${contacts}`, { query: `${formula}&offset=${encodeURIComponent(offset)}` });
        rest.push(...page.body.records);
        offset = page.body.offset;
      }
      expect([...first.body.records, ...rest].map((r: Listed) => r.id)).toEqual(expected.map((r) => r.id).filter((id) => !deleted.includes(id)));
      expect(rest.some((r) => r.id === created.body.records[0].id)).toBe(false);
    });
  });

  describe('writing', () => {
    const table = () => sandbox.bases[0].tables[0];
    const fieldId = (name: string) => table().fields.find((f) => f.name === name)!.id;
    const create = (fields: Record<string, unknown>, options: Record<string, unknown> = {}, tableId = contacts) =>
      api('POST', `${CRM}/${tableId}`, { body: { records: [{ fields }], ...options } });

    it('creates up to 10 records, fields named by name or id, with new ids and creation times', async () => {
      const before = Date.now();
      const res = await api('POST', `${CRM}/${contacts}/`, {
        body: { records: [{ fields: { Name: 'Created one', Score: 3 } }, { fields: { [fieldId('Name')]: 'Created two', Active: true } }] },
      });
      expect(res.status).toBe(200);
      expect(res.body.records).toEqual([
        { id: expect.stringMatching(RECORD_ID), createdTime: expect.any(String), fields: { Name: 'Created one', Score: 3 } },
        { id: expect.stringMatching(RECORD_ID), createdTime: expect.any(String), fields: { Name: 'Created two', Active: true } },
      ]);
      expect(Date.parse(res.body.records[0].createdTime)).toBeGreaterThanOrEqual(before - 1);
      expect(byId(contacts, res.body.records[1].id)!.fields).toEqual({ Name: 'Created two', Active: true });
      expect(stored(contacts).at(-1)!.id).toBe(res.body.records[1].id);
    });

    it('creates one record from a single {fields} body and answers it alone', async () => {
      const res = await api('POST', `${CRM}/${contacts}`, { body: { fields: { Name: 'Single' } } });
      expect(res.body).toEqual({ id: expect.stringMatching(RECORD_ID), createdTime: expect.any(String), fields: { Name: 'Single' } });
    });

    it('answers fields keyed by id with returnFieldsByFieldId', async () => {
      const res = await create({ Name: 'By id' }, { returnFieldsByFieldId: true });
      expect(res.body.records[0].fields).toEqual({ [fieldId('Name')]: 'By id' });
    });

    it.each([
      ['no records', { records: [] }, 'INVALID_RECORDS'],
      ['11 records', { records: Array.from({ length: 11 }, () => ({ fields: { Name: 'x' } })) }, 'INVALID_RECORDS'],
      ['records that are no list', { records: { fields: {} } }, 'INVALID_RECORDS'],
      ['a record with an id', { records: [{ id: 'recAAAAAAAAAAAAAA', fields: {} }] }, 'INVALID_RECORDS'],
      ['a record without fields', { records: [{}] }, 'INVALID_RECORDS'],
      ['an unknown property', { records: [{ fields: {} }], colour: 'red' }, 'INVALID_REQUEST_UNKNOWN'],
      ['a typecast that is no boolean', { records: [{ fields: {} }], typecast: 'yes' }, 'INVALID_REQUEST_UNKNOWN'],
      ['an unknown field', { records: [{ fields: { Nope: 1 } }] }, 'UNKNOWN_FIELD_NAME'],
    ])('refuses a create with %s', async (_case, body, type) => {
      const count = stored(contacts).length;
      const res = await api('POST', `${CRM}/${contacts}`, { body });
      expect(res.status).toBe(422);
      expect(errorType(res)).toBe(type);
      expect(stored(contacts)).toHaveLength(count);
    });

    it('refuses a body that is not JSON with 400', async () => {
      expect((await api('POST', `${CRM}/${contacts}`, { raw: '{"records":' })).status).toBe(400);
    });

    it('writes nothing when one value of one record is wrong', async () => {
      const count = stored(contacts).length;
      const res = await api('POST', `${CRM}/${contacts}`, {
        body: { records: [{ fields: { Name: 'ok 1' } }, { fields: { Name: 'ok 2', Stage: 'Brand new' } }, { fields: { Name: 'ok 3', Score: 'high' } }] },
      });
      expect(res.status).toBe(422);
      expect(stored(contacts)).toHaveLength(count);
      expect(table().fields.find((f) => f.name === 'Stage')!.options!.choices!.map((c) => c.name)).not.toContain('Brand new');
    });

    it.each([
      ['text that is a number', { Name: 42 }],
      ['a number as text', { Score: '42' }],
      ['a checkbox as text', { Active: 'true' }],
      ['a select that is a number', { Stage: 3 }],
      ['multiple selects that are no list', { Tags: 'VIP' }],
      ['a date that is no date', { 'Signed up': 'May 1, 2024' }],
      ['a date that does not exist', { 'Signed up': '2024-02-30' }],
      ['a date-time that is no date', { 'Last contacted': 'soon' }],
      ['links that are no list', { Company: 'Acme Labs' }],
      ['a link that is no record id', { Company: ['Acme Labs'] }],
    ])('refuses %s without typecast with INVALID_VALUE_FOR_COLUMN', async (_case, fields) => {
      const res = await create({ Name: 'Typed', ...fields });
      expect(res.status).toBe(422);
      expect(errorType(res)).toBe('INVALID_VALUE_FOR_COLUMN');
    });

    it('refuses a select option that does not exist with INVALID_MULTIPLE_CHOICE_OPTIONS, and a link to no record with ROW_DOES_NOT_EXIST', async () => {
      expect(errorType(await create({ Stage: 'Brand new' }))).toBe('INVALID_MULTIPLE_CHOICE_OPTIONS');
      expect(errorType(await create({ Tags: ['VIP', 'Brand new'] }))).toBe('INVALID_MULTIPLE_CHOICE_OPTIONS');
      expect(errorType(await create({ Company: ['recAAAAAAAAAAAAAA'] }))).toBe('ROW_DOES_NOT_EXIST');
    });

    it('converts text with typecast, creating new select options', async () => {
      const company = stored(companies)[3];
      const res = await create(
        {
          Name: 7,
          Score: ' 1,234 ',
          Active: 'yes',
          Stage: 'Reactivated',
          Tags: 'VIP, Fresh tag',
          'Signed up': 'May 1, 2024',
          'Last contacted': '2024-05-01T10:30:00+02:00',
          Company: [company.fields.Name, company.id],
        },
        { typecast: true },
      );
      expect(res.status).toBe(200);
      expect(res.body.records[0].fields).toEqual({
        Name: '7',
        Score: 1234,
        Active: true,
        Stage: 'Reactivated',
        Tags: ['VIP', 'Fresh tag'],
        'Signed up': '2024-05-01',
        'Last contacted': '2024-05-01T08:30:00.000Z',
        Company: [company.id],
      });
      const schema = await api('GET', `meta/bases/${CRM}/tables`);
      const stage = schema.body.tables[0].fields.find((f: { name: string }) => f.name === 'Stage');
      expect(stage.options.choices.at(-1)).toEqual({ id: expect.stringMatching(/^sel[A-Za-z0-9]{14}$/), name: 'Reactivated', color: expect.any(String) });
      expect(errorType(await create({ Score: 'lots' }, { typecast: true }))).toBe('INVALID_VALUE_FOR_COLUMN');
    });

    it('takes a collaborator by id or e-mail, and answers it whole', async () => {
      const ada = { id: sandbox.user.id, email: sandbox.user.email, name: 'Ada Lovelace' };
      const byEmail = await api('POST', `${PM}/${features}`, { body: { fields: { Feature: 'Owned', Owner: { email: 'ADA@example.com' } } } });
      expect(byEmail.body.fields.Owner).toEqual(ada);
      const byIdOwner = await api('POST', `${PM}/${features}`, { body: { fields: { Feature: 'Owned', Owner: { id: sandbox.user.id } } } });
      expect(byIdOwner.body.fields.Owner).toEqual(ada);
      expect(errorType(await api('POST', `${PM}/${features}`, { body: { fields: { Owner: { email: 'nobody@example.com' } } } }))).toBe('INVALID_VALUE_FOR_COLUMN');
    });

    it('updates with PATCH (only the fields sent) and replaces with PUT (the others cleared); null, "", [] and false clear cells', async () => {
      const created = (await create({ Name: 'Edit me', Score: 5, Active: true, Tags: ['VIP'], Stage: 'Lead' })).body.records[0];
      const patched = await api('PATCH', `${CRM}/${contacts}`, { body: { records: [{ id: created.id, fields: { Score: 6, Tags: [] } }] } });
      expect(patched.body).toEqual({ records: [{ id: created.id, createdTime: created.createdTime, fields: { Name: 'Edit me', Score: 6, Active: true, Stage: 'Lead' } }] });
      const cleared = await api('PATCH', `${CRM}/${contacts}/${created.id}`, { body: { fields: { Active: false, Stage: '', Score: null } } });
      expect(cleared.body.fields).toEqual({ Name: 'Edit me' });
      const replaced = await api('PUT', `${CRM}/${contacts}`, { body: { records: [{ id: created.id, fields: { Score: 9 } }] } });
      expect(replaced.body.records[0].fields).toEqual({ Score: 9 });
      const one = await api('PUT', `${CRM}/${contacts}/${created.id}`, { body: { fields: { Name: 'Replaced' }, returnFieldsByFieldId: true } });
      expect(one.body).toEqual({ id: created.id, createdTime: created.createdTime, fields: { [fieldId('Name')]: 'Replaced' } });
      expect(byId(contacts, created.id)!.fields).toEqual({ Name: 'Replaced' });
    });

    it('refuses an update of a record that does not exist: ROW_DOES_NOT_EXIST in a batch, 404 on its own route', async () => {
      const existing = stored(deals)[0];
      const batch = await api('PATCH', `${CRM}/${deals}`, {
        body: { records: [{ id: existing.id, fields: { Deal: 'Changed?' } }, { id: 'recAAAAAAAAAAAAAA', fields: { Deal: 'x' } }] },
      });
      expect(batch.status).toBe(422);
      expect(errorType(batch)).toBe('ROW_DOES_NOT_EXIST');
      expect(byId(deals, existing.id)!.fields.Deal).toBe(existing.fields.Deal);
      expect(await api('PATCH', `${CRM}/${deals}/recAAAAAAAAAAAAAA`, { body: { fields: { Deal: 'x' } } })).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
      expect(errorType(await api('PATCH', `${CRM}/${deals}`, { body: { records: [{ fields: { Deal: 'x' } }] } }))).toBe('INVALID_RECORDS');
      expect(errorType(await api('PATCH', `${CRM}/${deals}`, { body: { records: [{ id: existing.id, fields: {} }, { id: existing.id, fields: {} }] } }))).toBe('INVALID_RECORDS');
    });

    it('upserts on fieldsToMergeOn: one match updates, none creates, and the answer names which', async () => {
      const created = (await api('POST', `${CRM}/${deals}`, { body: { records: [{ fields: { Deal: 'Upsert A', Amount: 1 } }, { fields: { Deal: 'Upsert B', Amount: 1 } }] } }))
        .body.records;
      const res = await api('PATCH', `${CRM}/${deals}`, {
        body: {
          performUpsert: { fieldsToMergeOn: ['Deal'] },
          records: [{ fields: { Deal: 'Upsert B', Amount: 2 } }, { fields: { Deal: 'Upsert C', Amount: 3 } }, { fields: { Deal: 'Upsert A', Stage: 'Proposal' } }],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body.updatedRecords).toEqual([created[1].id, created[0].id]);
      expect(res.body.createdRecords).toEqual([res.body.records[1].id]);
      expect(res.body.records.map((r: Listed) => r.fields)).toEqual([
        { Deal: 'Upsert B', Amount: 2 },
        { Deal: 'Upsert C', Amount: 3 },
        { Deal: 'Upsert A', Amount: 1, Stage: 'Proposal' },
      ]);
      const replaced = await api('PUT', `${CRM}/${deals}`, { body: { performUpsert: { fieldsToMergeOn: ['Deal'] }, records: [{ fields: { Deal: 'Upsert A' } }] } });
      expect(replaced.body.records[0]).toMatchObject({ id: created[0].id, fields: { Deal: 'Upsert A' } });
    });

    it.each([
      ['several records match', { fieldsToMergeOn: ['Deal'] }, [{ fields: { Deal: 'Twin' } }], 'INVALID_RECORDS'],
      ['a record lacks a merge field', { fieldsToMergeOn: ['Deal', 'Amount'] }, [{ fields: { Deal: 'Twin' } }], 'INVALID_RECORDS'],
      ['two records share merge values', { fieldsToMergeOn: ['Deal'] }, [{ fields: { Deal: 'Same' } }, { fields: { Deal: 'Same' } }], 'INVALID_RECORDS'],
      ['an unknown merge field', { fieldsToMergeOn: ['Nope'] }, [{ fields: { Deal: 'x' } }], 'UNKNOWN_FIELD_NAME'],
      ['four merge fields', { fieldsToMergeOn: ['Deal', 'Amount', 'Stage', 'Close date'] }, [{ fields: { Deal: 'x' } }], 'INVALID_REQUEST_UNKNOWN'],
      ['no merge fields', { fieldsToMergeOn: [] }, [{ fields: { Deal: 'x' } }], 'INVALID_REQUEST_UNKNOWN'],
    ])('refuses an upsert where %s', async (_case, performUpsert, records, type) => {
      await api('POST', `${CRM}/${deals}`, { body: { records: [{ fields: { Deal: 'Twin' } }, { fields: { Deal: 'Twin' } }] } });
      const count = stored(deals).length;
      const res = await api('PATCH', `${CRM}/${deals}`, { body: { performUpsert, records } });
      expect(res.status).toBe(422);
      expect(errorType(res)).toBe(type);
      expect(stored(deals)).toHaveLength(count);
    });

    it('deletes up to 10 records named by records[], all or none, and one on its own route', async () => {
      const ids = (await api('POST', `${CRM}/${deals}`, { body: { records: Array.from({ length: 3 }, (_, i) => ({ fields: { Deal: `Gone ${i}` } })) } })).body.records.map(
        (r: Listed) => r.id,
      );
      const refused = await api('DELETE', `${CRM}/${deals}`, { query: [ids[0], 'recAAAAAAAAAAAAAA'].map((id) => `records[]=${id}`).join('&') });
      expect(errorType(refused)).toBe('ROW_DOES_NOT_EXIST');
      expect(byId(deals, ids[0])).toBeDefined();
      const res = await api('DELETE', `${CRM}/${deals}`, { query: ids.slice(0, 2).map((id: string) => `records[]=${id}`).join('&') });
      expect(res.body).toEqual({ records: ids.slice(0, 2).map((id: string) => ({ id, deleted: true })) });
      expect(await api('DELETE', `${CRM}/${deals}/${ids[2]}`)).toEqual({ status: 200, body: { id: ids[2], deleted: true } });
      expect(ids.some((id: string) => byId(deals, id))).toBe(false);
      expect(await api('DELETE', `${CRM}/${deals}/${ids[2]}`)).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
      const eleven = Array.from({ length: 11 }, () => `records[]=${ids[0]}`).join('&');
      expect(errorType(await api('DELETE', `${CRM}/${deals}`, { query: eleven }))).toBe('INVALID_RECORDS');
      expect(errorType(await api('DELETE', `${CRM}/${deals}`))).toBe('INVALID_RECORDS');
      expect(errorType(await api('DELETE', `${CRM}/${deals}`, { query: `records[]=${ids[0]}&force=true` }))).toBe('INVALID_REQUEST_UNKNOWN');
    });

    it('removes a deleted record from the links that pointed at it', async () => {
      const company = (await api('POST', `${CRM}/${companies}`, { body: { fields: { Name: 'Short-lived' } } })).body;
      const other = stored(companies)[0].id;
      const contact = (await create({ Name: 'Linked', Company: [company.id, other] })).body.records[0];
      await api('DELETE', `${CRM}/${companies}/${company.id}`);
      expect(byId(contacts, contact.id)!.fields.Company).toEqual([other]);
    });
  });

  describe('access', () => {
    it('answers 401 AUTHENTICATION_REQUIRED for a bad token on every records route', async () => {
      const first = stored(contacts)[0].id;
      const routes: Array<[string, string]> = [
        ['GET', `${CRM}/${contacts}`],
        ['POST', `${CRM}/${contacts}/listRecords`],
        ['GET', `${CRM}/${contacts}/${first}`],
        ['POST', `${CRM}/${contacts}`],
        ['PATCH', `${CRM}/${contacts}`],
        ['PUT', `${CRM}/${contacts}/${first}`],
        ['DELETE', `${CRM}/${contacts}/${first}`],
      ];
      for (const [method, path] of routes) {
        const res = await api(method, path, { token: 'oaa-not-a-token', ...(method === 'GET' ? {} : { body: {} }) });
        expect(res).toEqual({ status: 401, body: { error: { type: 'AUTHENTICATION_REQUIRED', message: expect.any(String) } } });
      }
    });

    it('needs data.records:read to read and data.records:write to write (403 INVALID_PERMISSIONS)', async () => {
      const schemaOnly = await sandboxAccessToken(sandbox, { scopes: ['schema.bases:read'] });
      const readOnly = await sandboxAccessToken(sandbox, { scopes: ['data.records:read'] });
      const writeOnly = await sandboxAccessToken(sandbox, { scopes: ['data.records:write'] });
      expect(errorType(await api('GET', `${CRM}/${contacts}`, { token: schemaOnly }))).toBe('INVALID_PERMISSIONS');
      expect(errorType(await api('POST', `${CRM}/${contacts}/listRecords`, { token: writeOnly, body: {} }))).toBe('INVALID_PERMISSIONS');
      expect((await api('GET', `${CRM}/${contacts}`, { token: readOnly, query: 'pageSize=1' })).status).toBe(200);
      const write = await api('POST', `${CRM}/${contacts}`, { token: readOnly, body: { fields: { Name: 'x' } } });
      expect(write.status).toBe(403);
      expect(errorType(write)).toBe('INVALID_PERMISSIONS');
      expect((await api('POST', `${CRM}/${contacts}`, { token: writeOnly, body: { fields: { Name: 'x' } } })).status).toBe(200);
    });

    it('answers 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND for a base not granted, unknown, or without access', async () => {
      const crmOnly = await sandboxAccessToken(sandbox, { baseIds: [CRM] });
      const pm = await api('GET', `${PM}/${features}`, { token: crmOnly });
      expect(pm.status).toBe(403);
      expect(errorType(pm)).toBe('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
      expect(errorType(await api('GET', `appNoSuchBase0000/${contacts}`))).toBe('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
      expect(errorType(await api('GET', `${ARCHIVE}/${encodeURIComponent('Old records')}`))).toBe('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
    });

    it('reads but never writes a base the user may only read', async () => {
      const candidates = sandbox.bases.find((b) => b.id === HR)!.tables[0].id;
      expect((await api('GET', `${HR}/${candidates}`, { query: 'pageSize=1' })).status).toBe(200);
      const write = await api('POST', `${HR}/${candidates}`, { body: { fields: { Name: 'x' } } });
      expect(write.status).toBe(403);
      expect(errorType(write)).toBe('INVALID_PERMISSIONS');
      expect(errorType(await api('DELETE', `${HR}/${candidates}`, { query: `records[]=${stored(candidates)[0].id}` }))).toBe('INVALID_PERMISSIONS');
    });

    it('checks the base before the table, and the table before the request', async () => {
      expect(errorType(await api('GET', `${ARCHIVE}/nope`, { query: 'pageSize=1000' }))).toBe('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
      expect(errorType(await api('GET', `${CRM}/nope`, { query: 'pageSize=1000' }))).toBe('TABLE_NOT_FOUND');
    });

    it('answers 404 NOT_FOUND for a path that is no records route', async () => {
      expect(await api('POST', `${CRM}/${contacts}/recAAAAAAAAAAAAAA`, { body: {} })).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
      expect(await api('GET', `${CRM}/${contacts}/a/b`)).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
      expect(await api('GET', 'meta/nothing')).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
    });
  });

  describe('rate limit', () => {
    let limited: AirtableSandbox;
    let limitedToken: string;

    beforeAll(async () => {
      limited = await startSandbox({ port: 0, clients: CLIENTS, rateLimitPerSecond: 5, rateLimitLockoutMs: 500, tableSizes: { Contacts: 20 } });
      limitedToken = await sandboxAccessToken(limited);
    });
    afterAll(() => limited.stop());

    it('allows 5 requests a second per base over records and schema routes alike, then locks the base out', async () => {
      const get = (path: string, init: Call = {}) => call(limited, limitedToken, 'GET', path, init);
      const before = limited.recorder.statusCount(429);
      for (let i = 0; i < 4; i++) expect((await get(`${CRM}/${contacts}`)).status).toBe(200);
      expect((await get(`meta/bases/${CRM}/tables`)).status).toBe(200);
      const over = await get(`${CRM}/${contacts}`);
      expect(over).toEqual({ status: 429, body: { error: { type: 'RATE_LIMIT_REACHED', message: expect.any(String) } } });
      expect((await get(`meta/bases/${CRM}/tables`)).status).toBe(429);
      expect((await call(limited, limitedToken, 'POST', `${CRM}/${contacts}`, { body: { fields: { Name: 'x' } } })).status).toBe(429);
      // A bad token is refused before the limit is looked at; another base has a limit of its own.
      expect((await get(`${CRM}/${contacts}`, { token: 'bad' })).status).toBe(401);
      expect((await get(`${PM}/Features`)).status).toBe(200);
      expect(limited.recorder.statusCount(429) - before).toBe(3);
      // A real wait: the rate limit keeps to real time, not to the sandbox's clock.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await get(`${CRM}/${contacts}`)).status).toBe(200);
    });

    it('counts a call against the base before looking at its scope', async () => {
      const schemaOnly = await sandboxAccessToken(limited, { scopes: ['schema.bases:read'] });
      // A real wait, for a fresh second of the rate limit, which keeps to real time.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      for (let i = 0; i < 5; i++) expect((await call(limited, schemaOnly, 'GET', `${PM}/Features`)).status).toBe(403);
      expect((await call(limited, schemaOnly, 'GET', `${PM}/Features`)).status).toBe(429);
    });
  });
});
