import { SandboxApiError } from './sandbox-api-error';
import { type CellContext, cellValue } from './sandbox-cell-values';
import { findField, SANDBOX_COLLABORATORS } from './sandbox-data';
import type { CellValue, SandboxRecord } from './sandbox-record-types';
import { SeedError, seedId, seedObject } from './sandbox-seed-input';
import type { SeededTable } from './sandbox-seed-schema';

/** Records without a createdTime were created one minute apart from here on. */
const FIRST_CREATED = Date.UTC(2023, 0, 1);
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/**
 * Every seeded table's records, by table id, in the seed's order (their creation order), with cells checked
 * as a write without typecast checks them. Ids come first, so that links can point at any seeded record.
 */
export function seedRecordsOf(tables: readonly SeededTable[]): Record<string, SandboxRecord[]> {
  const ids = new Set<string>();
  const byTable = new Map<string, Set<string>>();
  const inputs = tables.map(({ table, records, path }) => {
    const entries = records.map((value, r) => {
      const recordPath = `${path}.records[${r}]`;
      const input = seedObject(value, recordPath, ['id', 'createdTime', 'fields']);
      return { input, path: recordPath, id: seedId(input.id, 'rec', `${table.id}/record ${r}`, `${recordPath}.id`, ids) };
    });
    byTable.set(table.id, new Set(entries.map((e) => e.id)));
    return entries;
  });
  const contents: Record<string, SandboxRecord[]> = {};
  tables.forEach(({ table }, t) => {
    const context: CellContext = {
      typecast: false,
      newChoices: new Map(),
      collaborators: SANDBOX_COLLABORATORS,
      linkExists: (field, recordId) => byTable.get(field.options?.linkedTableId ?? '')?.has(recordId) ?? false,
      linkByText: () => undefined,
    };
    contents[table.id] = inputs[t].map(({ input, path, id }, r) => {
      const fields: Record<string, CellValue> = {};
      for (const [key, value] of Object.entries(input.fields === undefined ? {} : seedObject(input.fields, `${path}.fields`))) {
        const field = findField(table, key);
        if (!field) throw new SeedError(`${path}.fields.${key}`, `is no field of table ${table.name}`);
        if (field.name in fields) throw new SeedError(`${path}.fields.${key}`, `names the field "${field.name}" a second time`);
        let cell: CellValue | undefined;
        try {
          cell = cellValue(field, value, context);
        } catch (error) {
          if (error instanceof SandboxApiError) throw new SeedError(`${path}.fields.${key}`, `${error.message} (a ${field.type} cell)`);
          throw error;
        }
        if (cell !== undefined) fields[field.name] = cell;
      }
      return { id, createdTime: createdTime(input.createdTime, `${path}.createdTime`, r), fields };
    });
  });
  return contents;
}

function createdTime(value: unknown, path: string, index: number): string {
  if (value === undefined) return new Date(FIRST_CREATED + index * 60_000).toISOString();
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new SeedError(path, 'must be an ISO 8601 date-time in UTC, e.g. 2024-05-01T12:00:00.000Z');
  }
  return new Date(Date.parse(value)).toISOString();
}
