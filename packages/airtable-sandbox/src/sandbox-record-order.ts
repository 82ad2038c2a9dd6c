import type { LinkedText } from './sandbox-cell-text';
import type { SandboxCollaborator, SandboxField } from './sandbox-data';
import type { CellValue, SandboxRecord } from './sandbox-record-types';

export interface FieldSort {
  field: SandboxField;
  direction: 'asc' | 'desc';
}

type SortKey = number | string | null;

const NUMERIC_TYPES = new Set(['number', 'currency', 'percent', 'rating', 'duration']);

/**
 * What a cell sorts by. Text sorts case-insensitively; a single select in the order of its choices (as
 * Airtable's kanban columns); linked records by their primary text. Empty cells sort first ascending.
 */
function sortKey(field: SandboxField, value: CellValue | undefined, linked: LinkedText): SortKey {
  if (value === undefined) return null;
  if (NUMERIC_TYPES.has(field.type)) return value as number;
  switch (field.type) {
    case 'checkbox':
      return 1;
    case 'singleSelect': {
      const choices = field.options?.choices ?? [];
      const index = choices.findIndex((c) => c.name === value);
      return index === -1 ? choices.length : index;
    }
    case 'date':
    case 'dateTime':
      return value as string;
    case 'multipleRecordLinks':
      return (value as string[]).map((id) => linked(field, id) ?? '').join(', ').toLowerCase();
    case 'singleCollaborator':
      return (value as SandboxCollaborator).name.toLowerCase();
    default:
      return (Array.isArray(value) ? value.join(', ') : String(value)).toLowerCase();
  }
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The records in sort order; ties keep their order (the sort is stable). Keys are computed once per record. */
export function sortRecords(records: SandboxRecord[], sorts: readonly FieldSort[], linked: LinkedText): SandboxRecord[] {
  if (sorts.length === 0) return records;
  const keyed = records.map((record) => ({ record, keys: sorts.map(({ field }) => sortKey(field, record.fields[field.name], linked)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < sorts.length; i++) {
      const order = compareKeys(x.keys[i], y.keys[i]);
      if (order !== 0) return sorts[i].direction === 'asc' ? order : -order;
    }
    return 0;
  });
  return keyed.map((entry) => entry.record);
}
