import { refusal } from '../test/support/refusal';
import { sampleBases } from './sandbox-data';
import { notificationUrl, scopesFor, webhookInput } from './sandbox-webhook-spec';

describe('webhook specification', () => {
  const [crm] = sampleBases();
  const [contacts, companies] = crm.tables;
  const [name, email] = contacts.fields.map((f) => f.id);
  const companyName = companies.fields[0].id;
  const withFilters = (filters: unknown, rest: Record<string, unknown> = {}) => ({ specification: { options: { filters, ...rest } } });
  const refused = (body: unknown) => refusal(() => webhookInput(body, crm));

  it('accepts every documented option and keeps the specification as sent', () => {
    const body = {
      notificationUrl: 'https://example.com/hook',
      specification: {
        options: {
          filters: {
            dataTypes: ['tableData', 'tableFields'],
            recordChangeScope: contacts.id,
            changeTypes: ['add', 'update'],
            fromSources: ['publicApi', 'client'],
            watchDataInFieldIds: [name],
            watchSchemasOfFieldIds: [email],
          },
          includes: { includeCellValuesInFieldIds: [email], includePreviousCellValues: true, includePreviousFieldDefinitions: false },
        },
      },
    };
    expect(webhookInput(body, crm)).toEqual(body);
    expect(webhookInput(withFilters({ dataTypes: ['tableData'] }, { includes: { includeCellValuesInFieldIds: 'all' } }), crm)).toEqual({
      notificationUrl: null,
      specification: { options: { filters: { dataTypes: ['tableData'] }, includes: { includeCellValuesInFieldIds: 'all' } } },
    });
  });

  it.each([
    ['no body object', [], 'INVALID_REQUEST_UNKNOWN'],
    ['an unknown top-level key', { ...withFilters({ dataTypes: ['tableData'] }), extra: 1 }, 'INVALID_REQUEST_UNKNOWN'],
    ['no specification', { notificationUrl: null }, 'INVALID_WEBHOOK_SPECIFICATION'],
    ['an unknown key in the specification', { specification: { options: { filters: { dataTypes: ['tableData'] } }, other: 1 } }, 'INVALID_WEBHOOK_SPECIFICATION'],
    ['an unknown key in options', withFilters({ dataTypes: ['tableData'] }, { sourceOptions: {} }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['no filters', { specification: { options: {} } }, 'INVALID_WEBHOOK_SPECIFICATION'],
    ['no dataTypes', withFilters({}), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['empty dataTypes', withFilters({ dataTypes: [] }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['an unknown data type', withFilters({ dataTypes: ['tableRows'] }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['a data type twice', withFilters({ dataTypes: ['tableData', 'tableData'] }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['dataTypes as a string', withFilters({ dataTypes: 'tableData' }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['an unknown filter', withFilters({ dataTypes: ['tableData'], watch: [] }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['a table of another base', withFilters({ dataTypes: ['tableData'], recordChangeScope: sampleBases()[1].tables[0].id }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['a table by name', withFilters({ dataTypes: ['tableData'], recordChangeScope: 'Contacts' }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['an unknown change type', withFilters({ dataTypes: ['tableData'], changeTypes: ['create'] }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['an unknown source', withFilters({ dataTypes: ['tableData'], fromSources: ['api'] }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['a field name for an id', withFilters({ dataTypes: ['tableData'], watchDataInFieldIds: ['Name'] }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['an unknown field id', withFilters({ dataTypes: ['tableData'], watchDataInFieldIds: ['fld00000000000000'] }), 'INVALID_WEBHOOK_SPECIFICATION'],
    [
      'a field outside recordChangeScope',
      withFilters({ dataTypes: ['tableData'], recordChangeScope: contacts.id, watchDataInFieldIds: [companyName] }),
      'INVALID_WEBHOOK_SPECIFICATION',
    ],
    ['includes that are no object', withFilters({ dataTypes: ['tableData'] }, { includes: true }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['an unknown include', withFilters({ dataTypes: ['tableData'] }, { includes: { includeEverything: true } }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['a non-boolean include', withFilters({ dataTypes: ['tableData'] }, { includes: { includePreviousCellValues: 'yes' } }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['cell values of "some" fields', withFilters({ dataTypes: ['tableData'] }, { includes: { includeCellValuesInFieldIds: 'some' } }), 'INVALID_WEBHOOK_SPECIFICATION'],
    ['a notification URL that is no URL', { notificationUrl: 'example.com/hook', ...withFilters({ dataTypes: ['tableData'] }) }, 'INVALID_NOTIFICATION_URL'],
  ])('refuses %s', (_case, body, type) => {
    expect(refused(body)).toBe(type);
  });

  it('takes https anywhere and plain http only to this machine', () => {
    expect(notificationUrl(undefined)).toBeNull();
    expect(notificationUrl(null)).toBeNull();
    for (const url of ['https://hooks.example.com/a?b=c', 'http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]:9/hook']) {
      expect(notificationUrl(url)).toBe(url);
    }
    for (const url of ['http://example.com/hook', 'http://10.0.0.1/hook', 'ftp://127.0.0.1/hook', 'https://user:pw@example.com/', '/hook', 42]) {
      expect(refusal(() => notificationUrl(url))).toBe('INVALID_NOTIFICATION_URL');
    }
  });

  it('needs the read scope of each data type it watches', () => {
    const spec = (dataTypes: string[]) => webhookInput(withFilters({ dataTypes }), crm).specification;
    expect(scopesFor(spec(['tableData']))).toEqual(['data.records:read']);
    expect(scopesFor(spec(['tableFields', 'tableMetadata']))).toEqual(['schema.bases:read']);
    expect(scopesFor(spec(['tableMetadata', 'tableData']))).toEqual(['schema.bases:read', 'data.records:read']);
  });
});
