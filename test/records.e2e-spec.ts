import { request as httpRequest } from 'node:http';
import { TestBrowser } from './support/browser';
import { maxInWindow } from './support/airtable-limits';
import { FakeClock } from './support/fake-clock';
import { type Stack, startStack } from './support/stack';

const CRM = 'appSandboxCRM0001';
const CONTACTS_SIZE = 450;

interface ListedRecord {
  id: string;
  createdTime: string;
  fields: Record<string, unknown>;
}

describe('Records', () => {
  let stack: Stack;
  let browser: TestBrowser;
  let contacts: string;
  let deals: string;
  const records = (table = contacts) => `/bases/${CRM}/tables/${encodeURIComponent(table)}/records`;
  const upstream = (method: string, table = contacts) => stack.sandbox.recorder.count(`${method} /v0/${CRM}/${table}`);
  const everyUpstreamCall = () => stack.sandbox.recorder.received.length;
  const clock = new FakeClock();

  beforeAll(async () => {
    stack = await startStack({ clock, sandbox: { tableSizes: { Contacts: CONTACTS_SIZE }, offsetTtlMs: 1_500 } });
    browser = new TestBrowser(stack);
    expect((await browser.signIn()).status).toBe(303);
    const crm = stack.sandbox.bases.find((base) => base.id === CRM)!;
    contacts = crm.tables.find((table) => table.name === 'Contacts')!.id;
    deals = crm.tables.find((table) => table.name === 'Deals')!.id;
  });
  afterAll(() => stack.close());
  afterEach(() => stack.sandbox.recorder.clearFaults());

  /** Every record of a table, through the service's own export. */
  async function exported(table: string, query = ''): Promise<ListedRecord[]> {
    const res = await browser.agent.get(`${records(table)}/export${query}`).buffer(true).parse(text).expect(200);
    return (res.body as string).split('\n').filter(Boolean).map((line) => JSON.parse(line) as ListedRecord);
  }

  describe('reading', () => {
    it("answers one page in Airtable's model, passing every list parameter on in Airtable's shapes", async () => {
      const query = 'pageSize=5&fields[]=Name&fields[]=Score&sort[0][field]=Score&sort[0][direction]=desc&sort[1][field]=Name';
      const res = await browser.agent.get(`${records()}?${query}`).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.records).toHaveLength(5);
      expect(typeof res.body.offset).toBe('string');
      for (const record of res.body.records) {
        expect(record).toEqual({ id: expect.stringMatching(/^rec[A-Za-z0-9]{14}$/), createdTime: expect.any(String), fields: expect.any(Object) });
        expect(Object.keys(record.fields).every((name) => name === 'Name' || name === 'Score')).toBe(true);
      }
      const scores = res.body.records.map((r: ListedRecord) => (r.fields.Score as number | undefined) ?? -Infinity);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      const sent = new URLSearchParams(stack.sandbox.recorder.received.at(-1)!.query);
      expect(sent.getAll('fields[]')).toEqual(['Name', 'Score']);
      expect(sent.get('sort[0][direction]')).toBe('desc');
      expect(sent.get('sort[1][field]')).toBe('Name');

      const next = await browser.agent.get(`${records()}?${query}&offset=${encodeURIComponent(res.body.offset)}`).expect(200);
      const ids = [...res.body.records, ...next.body.records].map((r: ListedRecord) => r.id);
      expect(new Set(ids).size).toBe(10);
    });

    it('finds a table by its name as well as by its id', async () => {
      const byName = await browser.agent.get(`${records('Contacts')}?pageSize=3`).expect(200);
      const byId = await browser.agent.get(`${records()}?pageSize=3`).expect(200);
      expect(byName.body.records).toEqual(byId.body.records);
    });

    it('passes filterByFormula to Airtable and answers what it selects', async () => {
      const all = await exported(contacts);
      const active = await exported(contacts, `?filterByFormula=${encodeURIComponent('AND({Active}, {Score} > 50)')}`);
      const expected = all.filter((r) => r.fields.Active === true && (r.fields.Score as number) > 50).map((r) => r.id);
      expect(active.map((r) => r.id)).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(all.length);
    });

    it('sends a formula that would make the URL too long as POST listRecords', async () => {
      const clauses = Array.from({ length: 900 }, (_, i) => `{Name} = 'nobody ${i}'`);
      const filterByFormula = `OR(${clauses.join(', ')}, {Active})`;
      const before = upstream('POST', `${contacts}/listRecords`);
      const res = await browser.agent.post(`${records()}/query`).send({ filterByFormula, pageSize: 100 }).expect(200);
      expect(upstream('POST', `${contacts}/listRecords`)).toBe(before + 1);
      expect(res.body.records.length).toBeGreaterThan(0);
      expect(res.body.records.every((r: ListedRecord) => r.fields.Active === true)).toBe(true);
    });

    it("answers Airtable's 422s with upstream_rejected and Airtable's error type, never its text", async () => {
      const unknownField = await browser.agent.get(`${records()}?fields[]=${encodeURIComponent('No such field')}`).expect(422);
      expect(unknownField.body).toEqual({ statusCode: 422, code: 'upstream_rejected', message: expect.any(String), airtableError: 'UNKNOWN_FIELD_NAME' });
      const badFormula = await browser.agent.get(`${records()}?filterByFormula=${encodeURIComponent('{Name} = ')}`).expect(422);
      expect(badFormula.body.airtableError).toBe('INVALID_FILTER_BY_FORMULA');
      expect(JSON.stringify(badFormula.body)).not.toContain('{Name}');
    });

    it('gives an expired offset a code of its own', async () => {
      const first = await browser.agent.get(`${records()}?pageSize=2`).expect(200);
      clock.advance(1_600);
      const res = await browser.agent.get(`${records()}?pageSize=2&offset=${encodeURIComponent(first.body.offset)}`).expect(422);
      expect(res.body.code).toBe('offset_expired');
    });

    it('answers one record, and not_found for one that does not exist', async () => {
      const [first] = (await browser.agent.get(`${records()}?pageSize=1`).expect(200)).body.records;
      expect((await browser.agent.get(`${records()}/${first.id}`).expect(200)).body).toEqual(first);
      const byFieldId = await browser.agent.get(`${records()}/${first.id}?returnFieldsByFieldId=true`).expect(200);
      expect(Object.keys(byFieldId.body.fields).every((key) => key.startsWith('fld'))).toBe(true);
      expect((await browser.agent.get(`${records()}/recAAAAAAAAAAAAAA`).expect(404)).body.code).toBe('not_found');
    });

    it('answers table_not_found for a table the base does not have', async () => {
      expect((await browser.agent.get(`${records('No such table')}`).expect(404)).body.code).toBe('table_not_found');
    });

    it.each([
      ['an unknown parameter', `?colour=red`, 'invalid_request'],
      ['a repeated parameter', `?view=a&view=b`, 'invalid_request'],
      ['a page size over 100', `?pageSize=101`, 'invalid_request'],
      ['a sort with a gap', `?sort[1][field]=Name`, 'invalid_request'],
      ['string cells without a locale', `?cellFormat=string&timeZone=UTC`, 'invalid_request'],
    ])('refuses %s with 400 before calling Airtable', async (_case, query, code) => {
      const before = everyUpstreamCall();
      const res = await browser.agent.get(`${records()}${query}`).expect(400);
      expect(res.body).toEqual({ statusCode: 400, code, message: expect.any(String) });
      expect(everyUpstreamCall()).toBe(before);
    });

    it.each([
      ['a malformed base id', `/bases/app123/tables/Contacts/records`, 'invalid_base_id'],
      ['a table name with a control character', `/bases/${CRM}/tables/a%01b/records`, 'invalid_table'],
      ['a malformed record id', `/bases/${CRM}/tables/Contacts/records/rec..%2F..%2Fmeta`, 'invalid_record_id'],
      ['a record with parameters it does not take', `/bases/${CRM}/tables/Contacts/records/recAAAAAAAAAAAAAA?pageSize=1`, 'invalid_request'],
    ])('refuses %s with 400 before calling Airtable', async (_case, path, code) => {
      const before = everyUpstreamCall();
      expect((await browser.agent.get(path).expect(400)).body.code).toBe(code);
      expect(everyUpstreamCall()).toBe(before);
    });

    it('refuses a malformed JSON query body with 400', async () => {
      const res = await browser.agent.post(`${records()}/query`).set('Content-Type', 'application/json').send('{"pageSize":').expect(400);
      expect(res.body.code).toBe('invalid_request');
    });
  });

  describe('exporting', () => {
    it('streams every record once, as NDJSON, within the base limit', async () => {
      const before = stack.sandbox.recorder.statusCount(429);
      const res = await browser.agent.get(`${records()}/export`).buffer(true).parse(text).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const lines = (res.body as string).split('\n').filter(Boolean).map((line) => JSON.parse(line) as ListedRecord);
      expect(lines).toHaveLength(CONTACTS_SIZE);
      expect(new Set(lines.map((r) => r.id)).size).toBe(CONTACTS_SIZE);
      const pages = new URLSearchParams(stack.sandbox.recorder.received.at(-1)!.query);
      expect(pages.get('pageSize')).toBe('100');
      expect(maxInWindow(stack.sandbox.recorder.arrivals.get(`GET /v0/${CRM}/${contacts}`) ?? [])).toBeLessThanOrEqual(5);
      expect(stack.sandbox.recorder.statusCount(429)).toBe(before);
    });

    it('answers a bad export with its error status before any record is sent', async () => {
      expect((await browser.agent.get(`${records()}/export?pageSize=5`).expect(400)).body.code).toBe('invalid_request');
      expect((await browser.agent.get(`${records('Nope')}/export`).expect(404)).body.code).toBe('table_not_found');
    });

    it('ends the stream with an error line when a later page fails', async () => {
      let calls = 0;
      const route = `GET /v0/${CRM}/${contacts}`;
      const start = stack.sandbox.recorder.count(route);
      const poll = setInterval(() => {
        if (stack.sandbox.recorder.count(route) > start && calls++ === 0) stack.sandbox.recorder.fault(route, { status: 503, body: '{}', times: 1 });
      }, 1);
      try {
        const res = await browser.agent.get(`${records()}/export`).buffer(true).parse(text).expect(200);
        const lines = (res.body as string).split('\n').filter(Boolean).map((line) => JSON.parse(line));
        expect(lines.at(-1)).toEqual({ error: { code: 'upstream_error', message: expect.any(String) } });
        expect(lines.length).toBeLessThan(CONTACTS_SIZE + 1);
      } finally {
        clearInterval(poll);
      }
    });

    it('stops fetching pages when the client goes away', async () => {
      const route = `GET /v0/${CRM}/${contacts}`;
      const origin = new URL(stack.origin);
      const cookie = await browser.agent.jar.getCookies({ domain: origin.hostname, path: '/', secure: false, script: false }).toValueString();
      const before = stack.sandbox.recorder.count(route);
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: origin.hostname, port: origin.port, path: `${records()}/export`, headers: { cookie } }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
        req.once('close', () => resolve());
        req.end();
        setTimeout(() => reject(new Error('no data')), 10_000);
      });
      // No event marks a fetch that did not happen: wait long enough for a paced export (5 pages a
      // second) that went on to make several more.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const atClose = stack.sandbox.recorder.count(route);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(stack.sandbox.recorder.count(route)).toBeLessThanOrEqual(atClose + 1);
      expect(stack.sandbox.recorder.count(route) - before).toBeLessThan(Math.ceil(CONTACTS_SIZE / 100));
    });
  });

  describe('writing', () => {
    const names = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} ${String(i).padStart(3, '0')}`);
    const creates = (prefix: string, count: number) => ({ records: names(prefix, count).map((Deal) => ({ fields: { Deal } })) });

    it('creates any number of records in chunks of 10, in order, each through the pacer', async () => {
      const before = upstream('POST', deals);
      const res = await browser.agent.post(records(deals)).send(creates('Chunked', 25)).expect(200);
      expect(res.body.records.map((r: ListedRecord) => r.fields.Deal)).toEqual(names('Chunked', 25));
      expect(upstream('POST', deals) - before).toBe(3);
      const stored = (await exported(deals)).filter((r) => String(r.fields.Deal).startsWith('Chunked '));
      expect(stored.map((r) => r.id).sort()).toEqual(res.body.records.map((r: ListedRecord) => r.id).sort());
    });

    it('says which records were written and from which index on none were when a chunk fails', async () => {
      const body = creates('Partial', 25);
      body.records[22].fields = { Deal: 'bad', 'No such field': 1 } as never;
      const res = await browser.agent.post(records(deals)).send(body).expect(422);
      expect(res.body).toMatchObject({ code: 'upstream_rejected', airtableError: 'UNKNOWN_FIELD_NAME', notWrittenFrom: 20 });
      expect(res.body.written.records.map((r: ListedRecord) => r.fields.Deal)).toEqual(names('Partial', 20));
      expect((await exported(deals)).filter((r) => String(r.fields.Deal).startsWith('Partial ')).length).toBe(20);
    });

    it('answers a repeated Idempotency-Key with the first answer and writes nothing again', async () => {
      const key = `create-${Date.now()}`;
      const first = await browser.agent.post(records(deals)).set('Idempotency-Key', key).send(creates('Once', 12)).expect(200);
      const calls = upstream('POST', deals);
      const again = await browser.agent.post(records(deals)).set('Idempotency-Key', key).send(creates('Once', 12)).expect(200);
      expect(again.body).toEqual(first.body);
      expect(upstream('POST', deals)).toBe(calls);
      expect((await exported(deals)).filter((r) => String(r.fields.Deal).startsWith('Once ')).length).toBe(12);

      const other = await browser.agent.post(records(deals)).set('Idempotency-Key', key).send(creates('Other', 1)).expect(422);
      expect(other.body.code).toBe('idempotency_key_reused');
      expect(upstream('POST', deals)).toBe(calls);
    });

    it('refuses a cookie-borne write sent from another site', async () => {
      const before = everyUpstreamCall();
      const evil = await browser.agent.post(records(deals)).set('Origin', 'https://evil.example').send(creates('Forged', 1)).expect(403);
      expect(evil.body.code).toBe('forbidden_origin');
      await browser.agent.delete(`${records(deals)}?records[]=recAAAAAAAAAAAAAA`).set('Sec-Fetch-Site', 'same-site').expect(403);
      expect(everyUpstreamCall()).toBe(before);
    });

    it('refuses a malformed Idempotency-Key', async () => {
      const before = everyUpstreamCall();
      const res = await browser.agent.post(records(deals)).set('Idempotency-Key', 'has spaces').send(creates('Key', 1)).expect(400);
      expect(res.body.code).toBe('invalid_request');
      expect(everyUpstreamCall()).toBe(before);
    });

    it('updates (PATCH), replaces (PUT) and upserts, chunk by chunk', async () => {
      const created = (await browser.agent.post(records(deals)).send({ records: names('Edit', 12).map((Deal) => ({ fields: { Deal, Amount: 5 } })) }).expect(200)).body
        .records as ListedRecord[];
      const patched = await browser.agent
        .patch(records(deals))
        .send({ records: created.map((r) => ({ id: r.id, fields: { Amount: 7 } })) })
        .expect(200);
      expect(patched.body.records.map((r: ListedRecord) => r.fields)).toEqual(names('Edit', 12).map((Deal) => ({ Deal, Amount: 7 })));

      const replaced = await browser.agent.put(records(deals)).send({ records: [{ id: created[0].id, fields: { Amount: 9 } }] }).expect(200);
      expect(replaced.body.records[0].fields).toEqual({ Amount: 9 });

      const upsert = {
        performUpsert: { fieldsToMergeOn: ['Deal'] },
        records: [...names('Edit', 12).slice(1), 'Edit new'].map((Deal) => ({ fields: { Deal, Amount: 1 } })),
      };
      const upserted = await browser.agent.patch(records(deals)).send(upsert).expect(200);
      expect(upserted.body.updatedRecords).toEqual(created.slice(1).map((r) => r.id));
      expect(upserted.body.createdRecords).toHaveLength(1);
      expect(upserted.body.records).toHaveLength(12);
    });

    it('deletes records named in the query or in the body', async () => {
      const created = (await browser.agent.post(records(deals)).send(creates('Gone', 13)).expect(200)).body.records as ListedRecord[];
      const ids = created.map((r) => r.id);
      const before = upstream('DELETE', deals);
      const byQuery = await browser.agent.delete(`${records(deals)}?${ids.slice(0, 11).map((id) => `records[]=${id}`).join('&')}`).expect(200);
      expect(byQuery.body.records).toEqual(ids.slice(0, 11).map((id) => ({ id, deleted: true })));
      expect(upstream('DELETE', deals) - before).toBe(2);
      const byBody = await browser.agent.delete(records(deals)).send({ records: ids.slice(11) }).expect(200);
      expect(byBody.body.records).toEqual(ids.slice(11).map((id) => ({ id, deleted: true })));
      expect((await exported(deals)).filter((r) => String(r.fields.Deal).startsWith('Gone ')).length).toBe(0);
    });

    it.each([
      ['no records', { records: [] }],
      ['records that are no list', { records: { fields: {} } }],
      ['an unknown property', { records: [{ fields: {} }], colour: 'red' }],
      ['more records than allowed', { records: Array.from({ length: 5_001 }, () => ({ fields: {} })) }],
    ])('refuses a write with %s before calling Airtable', async (_case, body) => {
      const before = everyUpstreamCall();
      expect((await browser.agent.post(records(deals)).send(body).expect(400)).body.code).toBe('invalid_request');
      expect(everyUpstreamCall()).toBe(before);
    });

    it('reads a body of most of a megabyte on either adapter (and judges it, not its size)', async () => {
      const big = { records: [{ fields: { Deal: 'x' } }], pad: 'x'.repeat(900 * 1024) };
      expect((await browser.agent.post(records(deals)).send(big).expect(400)).body.code).toBe('invalid_request');
    });

    it('refuses a body over the size cap with 413', async () => {
      const huge = { records: [{ fields: { Deal: 'x'.repeat(2 * 1024 * 1024) } }] };
      expect((await browser.agent.post(records(deals)).send(huge).expect(413)).body.code).toBe('payload_too_large');
    });
  });
});

describe('Records without the scopes for them', () => {
  let stack: Stack;
  let browser: TestBrowser;

  beforeAll(async () => {
    stack = await startStack({ env: { AIRTABLE_SCOPES: 'schema.bases:read' } });
    browser = new TestBrowser(stack);
    expect((await browser.signIn()).status).toBe(303);
  });
  afterAll(() => stack.close());

  it('refuses reads and writes with 403 insufficient_scope before any call', async () => {
    const before = stack.sandbox.recorder.received.length;
    const path = `/bases/${CRM}/tables/Contacts/records`;
    expect((await browser.agent.get(path).expect(403)).body.code).toBe('insufficient_scope');
    expect((await browser.agent.get(`${path}/export`).expect(403)).body.code).toBe('insufficient_scope');
    expect((await browser.agent.post(path).send({ records: [{ fields: { Name: 'x' } }] }).expect(403)).body.code).toBe('insufficient_scope');
    expect((await browser.agent.delete(`${path}?records[]=recAAAAAAAAAAAAAA`).expect(403)).body.code).toBe('insufficient_scope');
    expect(stack.sandbox.recorder.received.length).toBe(before);
  });
});

/** supertest's parser for a body read as text whatever its type (NDJSON here). */
function text(response: unknown, done: (error: Error | null, body: string) => void): void {
  const res = response as NodeJS.ReadableStream;
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => done(null, body));
}
