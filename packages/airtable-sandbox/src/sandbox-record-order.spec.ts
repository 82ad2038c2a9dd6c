import type { SandboxField } from './sandbox-data';
import { sortRecords } from './sandbox-record-order';
import type { CellValue, SandboxRecord } from './sandbox-record-types';

const stage: SandboxField = {
  id: 'fldS',
  name: 'Stage',
  type: 'singleSelect',
  options: { choices: ['Lead', 'Customer', 'Churned'].map((name, i) => ({ id: `sel${i}`, name, color: 'blueLight2' })) },
};
const name: SandboxField = { id: 'fldN', name: 'Name', type: 'singleLineText' };
const score: SandboxField = { id: 'fldC', name: 'Score', type: 'number' };
const company: SandboxField = { id: 'fldL', name: 'Company', type: 'multipleRecordLinks' };

let serial = 0;
const record = (fields: Record<string, CellValue>): SandboxRecord => ({ id: `rec${String(++serial).padStart(14, '0')}`, createdTime: '', fields });
const names = (records: SandboxRecord[]) => records.map((r) => r.fields.Name);
const noLinks = () => undefined;

describe('record order', () => {
  it('sorts a single select by the order of its choices, empty cells first', () => {
    const records = [record({ Name: 'c', Stage: 'Churned' }), record({ Name: 'l', Stage: 'Lead' }), record({ Name: 'none' }), record({ Name: 'u', Stage: 'Customer' })];
    expect(names(sortRecords(records, [{ field: stage, direction: 'asc' }], noLinks))).toEqual(['none', 'l', 'u', 'c']);
    expect(names(sortRecords(records, [{ field: stage, direction: 'desc' }], noLinks))).toEqual(['c', 'u', 'l', 'none']);
  });

  it('sorts text case-insensitively and numbers as numbers, keeping ties in their order', () => {
    const records = [record({ Name: 'b', Score: 10 }), record({ Name: 'B', Score: 9 }), record({ Name: 'a', Score: 10 }), record({ Name: 'A' })];
    expect(names(sortRecords(records, [{ field: name, direction: 'asc' }], noLinks))).toEqual(['a', 'A', 'b', 'B']);
    expect(names(sortRecords(records, [{ field: score, direction: 'desc' }, { field: name, direction: 'asc' }], noLinks))).toEqual(['a', 'b', 'B', 'A']);
  });

  it('sorts links by the text of the records they link to', () => {
    const text = (_field: SandboxField, id: string) => ({ rec1: 'Zeta', rec2: 'alpha' })[id];
    const records = [record({ Name: 'z', Company: ['rec1'] }), record({ Name: 'a', Company: ['rec2'] })];
    expect(names(sortRecords(records, [{ field: company, direction: 'asc' }], text))).toEqual(['a', 'z']);
  });
});
