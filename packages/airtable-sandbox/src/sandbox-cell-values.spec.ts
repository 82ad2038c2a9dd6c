import { refusal } from '../test/support/refusal';
import { type CellContext, cellValue } from './sandbox-cell-values';
import { SANDBOX_COLLABORATORS, type SandboxField } from './sandbox-data';

const field = (type: string, options: SandboxField['options'] = {}): SandboxField => ({ id: 'fldX', name: 'X', type, options });
const select = (type = 'singleSelect') => field(type, { choices: [{ id: 'selA', name: 'A', color: 'blueLight2' }] });
const LINKED = 'recAAAAAAAAAAAAAA';

function context(typecast = false): CellContext {
  return {
    typecast,
    newChoices: new Map(),
    collaborators: SANDBOX_COLLABORATORS,
    linkExists: (_field, id) => id === LINKED,
    linkByText: (_field, text) => (text === 'Acme' ? LINKED : undefined),
  };
}

describe('written cell values', () => {
  it.each([
    ['singleLineText', 'text', 'text'],
    ['email', 'a@example.com', 'a@example.com'],
    ['number', 1.5, 1.5],
    ['currency', -3, -3],
    ['checkbox', true, true],
    ['date', '2024-02-29', '2024-02-29'],
    ['date', '2024-05-01T23:30:00-02:00', '2024-05-02'],
    ['date', '2024-05-01T23:30', '2024-05-01'],
    ['dateTime', '2024-05-01T10:00:00+02:00', '2024-05-01T08:00:00.000Z'],
    ['dateTime', '2024-05-01T10:00', '2024-05-01T10:00:00.000Z'],
    ['dateTime', '2024-05-01', '2024-05-01T00:00:00.000Z'],
  ])('stores a %s given %j as %j', (type, input, stored) => {
    expect(cellValue(field(type), input, context())).toEqual(stored);
  });

  it.each([
    ['singleLineText', 3],
    ['number', '3'],
    ['number', Infinity],
    ['checkbox', 'true'],
    ['checkbox', 1],
    ['date', '2023-02-29'],
    ['date', 'tomorrow'],
    ['dateTime', 12],
    ['singleCollaborator', 'ada@example.com'],
    ['singleCollaborator', { email: 'nobody@example.com' }],
    ['multipleRecordLinks', LINKED],
    ['multipleRecordLinks', ['Acme']],
    ['formula', 'x'],
  ])('refuses a %s given %j with INVALID_VALUE_FOR_COLUMN', (type, input) => {
    expect(refusal(() => cellValue(field(type), input, context()))).toBe('INVALID_VALUE_FOR_COLUMN');
  });

  it('clears a cell with null, an empty text, an empty list or an unticked checkbox, and only where that makes sense', () => {
    expect(cellValue(field('number'), null, context())).toBeUndefined();
    expect(cellValue(field('singleLineText'), '', context())).toBeUndefined();
    expect(cellValue(select(), '', context())).toBeUndefined();
    expect(cellValue(field('date'), '', context())).toBeUndefined();
    expect(cellValue(select('multipleSelects'), [], context())).toBeUndefined();
    expect(cellValue(field('multipleRecordLinks'), [], context())).toBeUndefined();
    expect(cellValue(field('checkbox'), false, context())).toBeUndefined();
    expect(refusal(() => cellValue(field('number'), '', context()))).toBe('INVALID_VALUE_FOR_COLUMN');
    expect(cellValue(field('number'), '', context(true))).toBeUndefined();
  });

  it('takes existing choices only, unless typecast adds them once the write goes through', () => {
    expect(cellValue(select(), 'A', context())).toBe('A');
    expect(refusal(() => cellValue(select(), 'B', context()))).toBe('INVALID_MULTIPLE_CHOICE_OPTIONS');
    expect(refusal(() => cellValue(select('multipleSelects'), ['A', 'B'], context()))).toBe('INVALID_MULTIPLE_CHOICE_OPTIONS');
    const typecast = context(true);
    const tags = select('multipleSelects');
    expect(cellValue(tags, 'A, B, B ,C', typecast)).toEqual(['A', 'B', 'C']);
    expect(cellValue(tags, ['C', 'D'], typecast)).toEqual(['C', 'D']);
    expect(typecast.newChoices.get(tags)).toEqual(['B', 'C', 'D']);
    expect(tags.options!.choices!.map((c) => c.name)).toEqual(['A']);
  });

  it('converts text with typecast where it makes sense', () => {
    const typecast = context(true);
    expect(cellValue(field('number'), ' -1,234.5 ', typecast)).toBe(-1234.5);
    expect(refusal(() => cellValue(field('number'), 'twelve', typecast))).toBe('INVALID_VALUE_FOR_COLUMN');
    expect(cellValue(field('singleLineText'), 12, typecast)).toBe('12');
    expect(cellValue(field('checkbox'), 'Checked', typecast)).toBe(true);
    expect(cellValue(field('checkbox'), 'no', typecast)).toBeUndefined();
    expect(cellValue(field('date'), 'March 3, 2025', typecast)).toBe('2025-03-03');
    expect(cellValue(field('dateTime'), 'Mon, 05 May 2025 10:00:00 GMT', typecast)).toBe('2025-05-05T10:00:00.000Z');
    expect(cellValue(select(), 7, typecast)).toBe('7');
  });

  it('links existing records by id, or with typecast by their primary text', () => {
    expect(cellValue(field('multipleRecordLinks'), [LINKED, LINKED], context())).toEqual([LINKED]);
    expect(refusal(() => cellValue(field('multipleRecordLinks'), ['recBBBBBBBBBBBBBB'], context()))).toBe('ROW_DOES_NOT_EXIST');
    expect(cellValue(field('multipleRecordLinks'), 'Acme', context(true))).toEqual([LINKED]);
    expect(refusal(() => cellValue(field('multipleRecordLinks'), ['Nobody Inc'], context(true)))).toBe('INVALID_VALUE_FOR_COLUMN');
  });

  it('takes a collaborator by id or e-mail (any case), or with typecast as text', () => {
    const grace = SANDBOX_COLLABORATORS[1];
    expect(cellValue(field('singleCollaborator'), { id: grace.id }, context())).toEqual(grace);
    expect(cellValue(field('singleCollaborator'), { email: grace.email.toUpperCase() }, context())).toEqual(grace);
    expect(cellValue(field('singleCollaborator'), grace.email, context(true))).toEqual(grace);
  });
});
