import { ErrorCode } from '../common/app-error';
import { deleteRequest, writeRequest } from './write-request';

const ID = 'recAAAAAAAAAAAAAA';
const ID2 = 'recBBBBBBBBBBBBBB';
const failsWith = (code: ErrorCode, run: () => unknown) => expect(run).toThrow(expect.objectContaining({ code }));

describe('write requests', () => {
  it('takes creates without ids and updates with them, options passed on', () => {
    expect(writeRequest('POST', { records: [{ fields: { Name: 'a' } }], typecast: true }, 10)).toEqual({
      method: 'POST',
      records: [{ fields: { Name: 'a' } }],
      options: { typecast: true },
    });
    expect(writeRequest('PATCH', { records: [{ id: ID, fields: {} }], returnFieldsByFieldId: true }, 10).records).toEqual([{ id: ID, fields: {} }]);
  });

  it('lets upserts leave ids out', () => {
    const request = writeRequest('PUT', { records: [{ fields: { Email: 'a@b.c' } }], performUpsert: { fieldsToMergeOn: ['Email'] } }, 10);
    expect(request.options.performUpsert).toEqual({ fieldsToMergeOn: ['Email'] });
  });

  it.each([
    ['a body that is no object', 'POST', []],
    ['no records', 'POST', { records: [] }],
    ['too many records', 'POST', { records: [{ fields: {} }, { fields: {} }, { fields: {} }] }],
    ['an id on a create', 'POST', { records: [{ id: ID, fields: {} }] }],
    ['an upsert on a create', 'POST', { records: [{ fields: {} }], performUpsert: { fieldsToMergeOn: ['a'] } }],
    ['an update without id', 'PATCH', { records: [{ fields: {} }] }],
    ['the same id twice', 'PATCH', { records: [{ id: ID, fields: {} }, { id: ID, fields: {} }] }],
    ['fields that are no object', 'POST', { records: [{ fields: [1] }] }],
    ['an unknown property', 'POST', { records: [{ fields: {} }], extra: 1 }],
    ['a typecast that is no boolean', 'POST', { records: [{ fields: {} }], typecast: 'yes' }],
    ['four merge fields', 'PATCH', { records: [{ fields: {} }], performUpsert: { fieldsToMergeOn: ['a', 'b', 'c', 'd'] } }],
    ['an empty field name', 'POST', { records: [{ fields: { '': 1 } }] }],
  ] as const)('refuses %s', (_case, method, body) => failsWith(ErrorCode.InvalidRequest, () => writeRequest(method, body, 2)));

  it('refuses a malformed record id with its own code', () => {
    failsWith(ErrorCode.InvalidRecordId, () => writeRequest('PATCH', { records: [{ id: 'rec../../x', fields: {} }] }, 10));
  });

  it('reads delete ids from the query or the body, not both', () => {
    expect(deleteRequest(`records[]=${ID}&records[]=${ID2}`, undefined, 10)).toEqual([ID, ID2]);
    expect(deleteRequest('', { records: [ID] }, 10)).toEqual([ID]);
    expect(deleteRequest(`records[]=${ID}`, {}, 10)).toEqual([ID]);
    failsWith(ErrorCode.InvalidRequest, () => deleteRequest(`records[]=${ID}`, { records: [ID2] }, 10));
    failsWith(ErrorCode.InvalidRequest, () => deleteRequest(`records=${ID}`, undefined, 10));
    failsWith(ErrorCode.InvalidRequest, () => deleteRequest('', undefined, 10));
    failsWith(ErrorCode.InvalidRequest, () => deleteRequest(`records[]=${ID}&records[]=${ID}`, undefined, 10));
    failsWith(ErrorCode.InvalidRecordId, () => deleteRequest('records[]=recX', undefined, 10));
  });
});
