import { listQuery } from '../airtable/airtable-records.client';
import { ErrorCode } from '../common/app-error';
import { listParamsFromBody, listParamsFromQuery } from './list-params';

const refused = (run: () => unknown) => expect(run).toThrow(expect.objectContaining({ code: ErrorCode.InvalidRequest }));

describe('list parameters', () => {
  it("reads every documented parameter in Airtable's query shapes", () => {
    const raw =
      'fields[]=Name&fields[]=Score&filterByFormula=%7BActive%7D&maxRecords=7&pageSize=5&sort[0][field]=Score&sort[0][direction]=desc' +
      '&sort[1][field]=Name&view=All&cellFormat=string&timeZone=Europe%2FParis&userLocale=fr&returnFieldsByFieldId=true' +
      '&recordMetadata[]=commentCount&offset=itr123%2Frec456';
    expect(listParamsFromQuery(raw)).toEqual({
      fields: ['Name', 'Score'],
      filterByFormula: '{Active}',
      maxRecords: 7,
      pageSize: 5,
      sort: [
        { field: 'Score', direction: 'desc' },
        { field: 'Name', direction: 'asc' },
      ],
      view: 'All',
      cellFormat: 'string',
      timeZone: 'Europe/Paris',
      userLocale: 'fr',
      returnFieldsByFieldId: true,
      recordMetadata: ['commentCount'],
      offset: 'itr123/rec456',
    });
  });

  it('writes them back in the same shapes, so a page request is the caller\'s own', () => {
    const raw = 'fields%5B%5D=Name&sort%5B0%5D%5Bfield%5D=Score&sort%5B0%5D%5Bdirection%5D=desc&pageSize=5';
    expect(listQuery(listParamsFromQuery(raw)).toString()).toBe(raw);
  });

  it.each([
    ['an unknown parameter', 'colour=red'],
    ['a repeated scalar', 'view=a&view=b'],
    ['a bracketed scalar', 'view[]=a'],
    ['fields without brackets', 'fields=Name'],
    ['an indexed field', 'fields[0]=Name'],
    ['a sort with a gap', 'sort[1][field]=Name'],
    ['a sort part twice', 'sort[0][field]=a&sort[0][field]=b'],
    ['a sort of another shape', 'sort[0]=Name'],
    ['a bad direction', 'sort[0][field]=a&sort[0][direction]=up'],
    ['a page of 101', 'pageSize=101'],
    ['a page of 0', 'pageSize=0'],
    ['a fractional maxRecords', 'maxRecords=1.5'],
    ['other metadata', 'recordMetadata[]=secrets'],
    ['an unknown cell format', 'cellFormat=xml'],
    ['string cells without a zone', 'cellFormat=string&userLocale=fr'],
    ['a bad time zone', 'cellFormat=string&timeZone=Mars%2FOlympus&userLocale=fr'],
    ['a zone without string cells', 'timeZone=UTC'],
    ['a boolean that is not one', 'returnFieldsByFieldId=yes'],
    ['a control character', 'view=a%01'],
    ['an empty formula', 'filterByFormula='],
  ])('refuses %s', (_case, raw) => refused(() => listParamsFromQuery(raw)));

  it('leaves paging to an export', () => {
    refused(() => listParamsFromQuery('pageSize=10', { paging: false }));
    refused(() => listParamsFromQuery('offset=itr1', { paging: false }));
    expect(listParamsFromQuery('maxRecords=10', { paging: false })).toEqual({ maxRecords: 10 });
  });

  it('takes the JSON shape, typed', () => {
    expect(listParamsFromBody({ fields: ['Name'], sort: [{ field: 'Name' }], pageSize: 3, returnFieldsByFieldId: false })).toEqual({
      fields: ['Name'],
      sort: [{ field: 'Name', direction: 'asc' }],
      pageSize: 3,
      returnFieldsByFieldId: false,
    });
    refused(() => listParamsFromBody({ pageSize: '3' }));
    refused(() => listParamsFromBody({ fields: 'Name' }));
    refused(() => listParamsFromBody({ sort: [{ field: 'a', extra: 1 }] }));
    refused(() => listParamsFromBody({ unknown: true }));
    refused(() => listParamsFromBody([]));
    refused(() => listParamsFromBody(null));
  });
});
