import { SandboxApiError } from './sandbox-api-error';
import { cellOptionsFromParams, listQueryFromBody, listQueryFromParams } from './sandbox-list-query';

const fromQuery = (query: string) => listQueryFromParams(new URLSearchParams(query));

function refusal(read: () => unknown): string | undefined {
  try {
    read();
  } catch (error) {
    if (error instanceof SandboxApiError) return `${error.status} ${error.type}`;
    throw error;
  }
  return undefined;
}

describe('list parameters', () => {
  it('reads every parameter of a query in the shapes Airtable documents', () => {
    const query = fromQuery(
      'fields[]=Name&fields[]=fldX&sort[1][field]=Score&sort[0][field]=Name&sort[0][direction]=desc&filterByFormula=%7BActive%7D' +
        '&maxRecords=250&pageSize=20&view=Grid&cellFormat=string&timeZone=Europe%2FParis&userLocale=fr-fr&returnFieldsByFieldId=true' +
        '&recordMetadata[]=commentCount&offset=itrA%2FrecB',
    );
    expect(query).toEqual({
      fields: ['Name', 'fldX'],
      sort: [
        { field: 'Name', direction: 'desc' },
        { field: 'Score', direction: 'asc' },
      ],
      filterByFormula: '{Active}',
      maxRecords: 250,
      pageSize: 20,
      view: 'Grid',
      returnFieldsByFieldId: true,
      text: { timeZone: 'Europe/Paris', userLocale: 'fr-fr' },
      commentCount: true,
      offset: 'itrA/recB',
    });
  });

  it('defaults to pages of 100 in JSON by field name, and reads an empty formula as none', () => {
    expect(fromQuery('filterByFormula=')).toEqual({ sort: [], pageSize: 100, returnFieldsByFieldId: false, commentCount: false });
  });

  it('orders sorts by their numbers, gaps allowed', () => {
    expect(fromQuery('sort[7][field]=B&sort[2][field]=A').sort.map((s) => s.field)).toEqual(['A', 'B']);
  });

  it.each([
    'pageSize=0',
    'pageSize=101',
    'pageSize=1.5',
    'maxRecords=-1',
    'fields=Name',
    'offset=',
    'view=a&view=b',
    'sort[0][field]=A&sort[0][field]=B',
    'sort[0][direction]=desc',
    'returnFieldsByFieldId=maybe',
    'cellFormat=string&timeZone=UTC',
    'cellFormat=string&timeZone=Nowhere%2FTown&userLocale=en',
    'recordMetadata[]=commentCount&recordMetadata[]=other',
  ])('refuses %s with 422 INVALID_REQUEST_UNKNOWN', (query) => {
    expect(refusal(() => fromQuery(query))).toBe('422 INVALID_REQUEST_UNKNOWN');
  });

  it('reads a JSON body with the same rules, taking timeZone and userLocale from the query too', () => {
    const body = { fields: ['Name'], sort: [{ field: 'Name' }], pageSize: 5, returnFieldsByFieldId: true, cellFormat: 'string', method: 'post' };
    expect(listQueryFromBody(body, new URLSearchParams('timeZone=UTC&userLocale=en-gb'))).toMatchObject({
      fields: ['Name'],
      sort: [{ field: 'Name', direction: 'asc' }],
      pageSize: 5,
      returnFieldsByFieldId: true,
      text: { timeZone: 'UTC', userLocale: 'en-gb' },
    });
    for (const bad of [[], { pageSize: '5' }, { returnFieldsByFieldId: 'true' }, { sort: { field: 'Name' } }, { fields: 'Name' }, { extra: 1 }, { method: 'put' }]) {
      expect(refusal(() => listQueryFromBody(bad, new URLSearchParams()))).toBe('422 INVALID_REQUEST_UNKNOWN');
    }
    expect(refusal(() => listQueryFromBody({}, new URLSearchParams('pageSize=5')))).toBe('422 INVALID_REQUEST_UNKNOWN');
  });

  it('takes only cell options for one record', () => {
    expect(cellOptionsFromParams(new URLSearchParams('returnFieldsByFieldId=1'))).toEqual({ returnFieldsByFieldId: true });
    expect(refusal(() => cellOptionsFromParams(new URLSearchParams('fields[]=Name')))).toBe('422 INVALID_REQUEST_UNKNOWN');
  });
});
