import { SANDBOX_USER, sampleBases } from './sandbox-data';
import { SandboxRecordStore } from './sandbox-record-store';
import { payloadFor, transactionLinkNames } from './sandbox-webhook-payloads';
import type { WebhookFilters, WebhookIncludes, WebhookSpecification } from './sandbox-webhook-spec';
import { TransactionBuilder, type WriteTransaction } from './sandbox-write-transaction';

describe('webhook payloads', () => {
  const [crm] = sampleBases();
  const [contacts, companies] = crm.tables;
  const field = (name: string) => contacts.fields.find((f) => f.name === name)!;
  const [NAME, EMAIL, COMPANY, SCORE, STAGE, TAGS] = ['Name', 'Email', 'Company', 'Score', 'Stage', 'Tags'].map((n) => field(n).id);
  const stage = (name: string) => field('Stage').options!.choices!.find((c) => c.name === name)!;
  const store = new SandboxRecordStore([crm], { Contacts: 0, Companies: 2, Deals: 0 });
  const [acme] = store.all(companies.id);
  const acmeName = acme.fields.Name as string;

  const spec = (filters: Partial<WebhookFilters> = {}, includes?: WebhookIncludes): WebhookSpecification => ({
    options: { filters: { dataTypes: ['tableData'], ...filters }, ...(includes ? { includes } : {}) },
  });
  const payload = (s: WebhookSpecification, transaction: WriteTransaction) =>
    payloadFor(s, transaction, { baseTransactionNumber: 7, user: SANDBOX_USER, linkedName: transactionLinkNames(store, transaction) });

  /** A transaction that creates one contact, changes another and destroys a third. */
  function mixedTransaction(): WriteTransaction {
    const changedBefore = store.create(contacts.id, { Name: 'Before', Email: 'a@example.com', Score: 3 });
    const doomed = store.create(contacts.id, { Name: 'Doomed' });
    const builder = new TransactionBuilder(crm);
    builder.created(contacts, store.create(contacts.id, { Name: 'New', Stage: 'Lead', Tags: ['VIP', 'Press'], Company: [acme.id] }));
    builder.changed(contacts, changedBefore, store.replace(contacts.id, changedBefore.id, { Name: 'After', Email: 'a@example.com' }));
    store.delete(contacts.id, doomed.id);
    builder.destroyed(contacts, doomed);
    return builder.build()!;
  }

  it("follows Airtable's v0 format, with cells keyed by field id in the webhooks cell format", () => {
    const transaction = mixedTransaction();
    const [created] = transaction.tables[0].created;
    const [changed] = transaction.tables[0].changed;
    expect(payload(spec(), transaction)).toEqual({
      timestamp: transaction.timestamp,
      baseTransactionNumber: 7,
      actionMetadata: { source: 'publicApi', sourceMetadata: { user: { id: SANDBOX_USER.id, email: SANDBOX_USER.email, permissionLevel: 'create' } } },
      payloadFormat: 'v0',
      changedTablesById: {
        [contacts.id]: {
          createdRecordsById: {
            [created.id]: {
              createdTime: created.createdTime,
              cellValuesByFieldId: {
                [NAME]: 'New',
                [COMPANY]: [{ id: acme.id, name: acmeName }],
                [STAGE]: { id: stage('Lead').id, name: 'Lead', color: stage('Lead').color },
                [TAGS]: [expect.objectContaining({ name: 'VIP' }), expect.objectContaining({ name: 'Press' })],
              },
            },
          },
          changedRecordsById: { [changed.after.id]: { current: { cellValuesByFieldId: { [NAME]: 'After', [SCORE]: null } } } },
          destroyedRecordIds: [transaction.tables[0].destroyed[0].id],
        },
      },
    });
  });

  it('adds previous cells and the included unchanged ones when asked', () => {
    const transaction = mixedTransaction();
    const id = transaction.tables[0].changed[0].after.id;
    const record = (s: WebhookSpecification) => payload(s, transaction)!.changedTablesById[contacts.id].changedRecordsById![id];
    expect(record(spec({}, { includePreviousCellValues: true, includeCellValuesInFieldIds: [EMAIL, NAME] }))).toEqual({
      current: { cellValuesByFieldId: { [NAME]: 'After', [SCORE]: null } },
      previous: { cellValuesByFieldId: { [NAME]: 'Before', [SCORE]: 3 } },
      unchanged: { cellValuesByFieldId: { [EMAIL]: 'a@example.com' } },
    });
    expect(record(spec({}, { includeCellValuesInFieldIds: 'all' })).unchanged).toEqual({ cellValuesByFieldId: { [EMAIL]: 'a@example.com' } });
  });

  it('keeps only the change types, table and sources the webhook watches', () => {
    const transaction = mixedTransaction();
    const sections = (s: WebhookSpecification) => Object.keys(payload(s, transaction)?.changedTablesById[contacts.id] ?? {});
    expect(sections(spec({ changeTypes: ['add'] }))).toEqual(['createdRecordsById']);
    expect(sections(spec({ changeTypes: ['remove', 'update'] }))).toEqual(['changedRecordsById', 'destroyedRecordIds']);
    expect(sections(spec({ recordChangeScope: contacts.id }))).toHaveLength(3);
    expect(payload(spec({ recordChangeScope: companies.id }), transaction)).toBeUndefined();
    expect(payload(spec({ fromSources: ['client', 'automation'] }), transaction)).toBeUndefined();
    expect(sections(spec({ fromSources: ['publicApi'] }))).toHaveLength(3);
    expect(payload({ options: { filters: { dataTypes: ['tableFields', 'tableMetadata'] } } }, transaction)).toBeUndefined();
  });

  it('narrows updates to the watched fields, and still reports created and destroyed records', () => {
    const transaction = mixedTransaction();
    const sections = (watch: string[]) => Object.keys(payload(spec({ watchDataInFieldIds: watch }), transaction)!.changedTablesById[contacts.id]);
    expect(sections([SCORE])).toEqual(['createdRecordsById', 'changedRecordsById', 'destroyedRecordIds']);
    expect(sections([EMAIL, STAGE])).toEqual(['createdRecordsById', 'destroyedRecordIds']);
    expect(payload(spec({ watchDataInFieldIds: [EMAIL], changeTypes: ['update'] }), transaction)).toBeUndefined();
  });

  it('sees no change in a record rewritten with the same cells, and no transaction in a write that changed nothing', () => {
    const record = store.create(contacts.id, { Name: 'Same', Tags: ['VIP'] });
    const builder = new TransactionBuilder(crm);
    builder.changed(contacts, record, store.replace(contacts.id, record.id, { Tags: ['VIP'], Name: 'Same' }));
    expect(builder.build()).toBeUndefined();
  });

  it('names a link to a record the same transaction destroyed', () => {
    const company = store.create(companies.id, { Name: 'Gone Inc.' });
    const contact = store.create(contacts.id, { Name: 'Linked', Company: [company.id] });
    const builder = new TransactionBuilder(crm);
    store.delete(companies.id, company.id);
    builder.destroyed(companies, company);
    builder.changed(contacts, contact, store.replace(contacts.id, contact.id, { Name: 'Linked' }));
    const transaction = builder.build()!;
    const changed = payload(spec({}, { includePreviousCellValues: true }), transaction)!
      .changedTablesById[contacts.id].changedRecordsById![contact.id];
    expect(changed).toEqual({
      current: { cellValuesByFieldId: { [COMPANY]: null } },
      previous: { cellValuesByFieldId: { [COMPANY]: [{ id: company.id, name: 'Gone Inc.' }] } },
    });
    expect(payload(spec(), transaction)!.changedTablesById[companies.id]).toEqual({ destroyedRecordIds: [company.id] });
  });
});
