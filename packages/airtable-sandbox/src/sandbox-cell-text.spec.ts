import { CellText } from './sandbox-cell-text';
import type { SandboxField } from './sandbox-data';

const field = (type: string, options: SandboxField['options'] = {}): SandboxField => ({ id: 'fldX', name: 'X', type, options });
const text = (userLocale: string, timeZone = 'UTC') => new CellText({ userLocale, timeZone }, (_field, id) => (id === 'recA' ? 'Acme' : undefined));

describe('cells as text (cellFormat=string)', () => {
  it('formats numbers to their precision in the locale, currencies with symbol and grouping, percents from fractions', () => {
    expect(text('en-us').format(field('number', { precision: 0 }), 1234.4)).toBe('1234');
    expect(text('de-de').format(field('number', { precision: 2 }), 1.5)).toBe('1,50');
    expect(text('en-us').format(field('number'), 0.125)).toBe('0.125');
    expect(text('en-us').format(field('currency', { precision: 2, symbol: '$' }), -1234.5)).toBe('-$1,234.50');
    expect(text('en-us').format(field('percent', { precision: 1 }), 0.5)).toBe('50.0%');
  });

  it('formats dates in the locale, and times of day in the time zone', () => {
    expect(text('en-us', 'Asia/Tokyo').format(field('date'), '2024-05-01')).toBe('5/1/2024');
    expect(text('en-gb').format(field('date'), '2024-05-01')).toBe('01/05/2024');
    expect(text('en-us', 'America/New_York').format(field('dateTime'), '2024-05-01T02:30:00.000Z')).toBe('4/30/2024, 10:30 PM');
  });

  it('shows a checkbox as checked, lists joined, links by their primary text and collaborators by name', () => {
    expect(text('en-us').format(field('checkbox'), true)).toBe('checked');
    expect(text('en-us').format(field('multipleSelects'), ['A', 'B'])).toBe('A, B');
    expect(text('en-us').format(field('multipleRecordLinks'), ['recA', 'recGone'])).toBe('Acme');
    expect(text('en-us').format(field('singleCollaborator'), { id: 'usrA', email: 'a@example.com', name: 'Ada' })).toBe('Ada');
    expect(text('en-us').format(field('singleLineText'), 'plain')).toBe('plain');
  });
});
