import {
  CHECKBOX,
  choiceColor,
  DATE,
  DATE_TIME,
  type SandboxBase,
  type SandboxField,
  type SandboxFieldOptions,
  type SandboxTable,
  type SandboxView,
} from './sandbox-data';
import { type Json, optionalText, SeedError, seedArray, seedId, seedObject, seedText, uniqueName } from './sandbox-seed-input';

/** The field types whose cells the sandbox checks, stores and serves. */
export const SEED_FIELD_TYPES = [
  'singleLineText',
  'multilineText',
  'email',
  'url',
  'phoneNumber',
  'richText',
  'number',
  'currency',
  'percent',
  'rating',
  'duration',
  'checkbox',
  'singleSelect',
  'multipleSelects',
  'date',
  'dateTime',
  'multipleRecordLinks',
  'singleCollaborator',
];

const PERMISSION_LEVELS = ['none', 'read', 'comment', 'edit', 'create'] as const;
const VIEW_TYPES = ['grid', 'form', 'calendar', 'gallery', 'kanban', 'timeline', 'block'] as const;
const DEFAULT_OPTIONS: Readonly<Record<string, SandboxFieldOptions>> = {
  number: { precision: 0 },
  currency: { precision: 2, symbol: '$' },
  percent: { precision: 0 },
  checkbox: CHECKBOX,
  date: DATE,
  dateTime: DATE_TIME,
};

/** A seeded table whose records are still to be read, once every table of every base has its ids. */
export interface SeededTable {
  base: SandboxBase;
  table: SandboxTable;
  records: unknown[];
  path: string;
}

/** The seed's bases, tables, fields and views, checked and with every id; the records come next. */
export function seedSchema(seed: unknown): { bases: SandboxBase[]; tables: SeededTable[] } {
  const root = seedObject(seed, 'the seed', ['bases']);
  const ids = new Set<string>();
  const baseNames = new Set<string>();
  const tables: SeededTable[] = [];
  const bases = seedArray(root.bases, 'bases', true).map((value, b) => {
    const path = `bases[${b}]`;
    const input = seedObject(value, path, ['id', 'name', 'permissionLevel', 'tables']);
    const name = seedText(input.name, `${path}.name`);
    uniqueName(name, `${path}.name`, baseNames);
    const permissionLevel = input.permissionLevel ?? 'create';
    if (!PERMISSION_LEVELS.includes(permissionLevel as never)) {
      throw new SeedError(`${path}.permissionLevel`, `must be one of ${PERMISSION_LEVELS.join(', ')}`);
    }
    const base: SandboxBase = { id: seedId(input.id, 'app', `base ${name}`, `${path}.id`, ids), name, permissionLevel: permissionLevel as SandboxBase['permissionLevel'], tables: [] };
    const tableNames = new Set<string>();
    const linkFields: Array<[SandboxField, string]> = [];
    for (const [t, tableValue] of seedArray(input.tables, `${path}.tables`, true).entries()) {
      const tablePath = `${path}.tables[${t}]`;
      const { table, records } = seedTable(tableValue, tablePath, base.id, ids, tableNames, linkFields);
      base.tables.push(table);
      tables.push({ base, table, records, path: tablePath });
    }
    for (const [field, path] of linkFields) {
      const named = field.options!.linkedTableId!;
      const linked = base.tables.find((t) => t.id === named) ?? base.tables.find((t) => t.name === named);
      if (!linked) throw new SeedError(path, `"${named}" is no table of this base (by id or name)`);
      field.options!.linkedTableId = linked.id;
    }
    return base;
  });
  return { bases, tables };
}

function seedTable(
  value: unknown,
  path: string,
  baseId: string,
  ids: Set<string>,
  names: Set<string>,
  linkFields: Array<[SandboxField, string]>,
): { table: SandboxTable; records: unknown[] } {
  const input = seedObject(value, path, ['id', 'name', 'description', 'primaryFieldId', 'fields', 'views', 'records']);
  const name = seedText(input.name, `${path}.name`);
  uniqueName(name, `${path}.name`, names);
  const id = seedId(input.id, 'tbl', `${baseId}/${name}`, `${path}.id`, ids);
  const fieldNames = new Set<string>();
  const fields = seedArray(input.fields, `${path}.fields`, true).map((field, f) => seedField(field, `${path}.fields[${f}]`, id, ids, fieldNames, linkFields));
  const primaryName = input.primaryFieldId;
  const primary = primaryName === undefined ? fields[0] : fields.find((f) => f.id === primaryName || f.name === primaryName);
  if (!primary) throw new SeedError(`${path}.primaryFieldId`, `"${String(input.primaryFieldId)}" is no field of this table (by id or name)`);
  const viewNames = new Set<string>();
  const views = seedArray(input.views ?? [{ name: 'Grid view' }], `${path}.views`, true).map((view, v): SandboxView => {
    const viewPath = `${path}.views[${v}]`;
    const viewInput = seedObject(view, viewPath, ['id', 'name', 'type']);
    const viewName = seedText(viewInput.name, `${viewPath}.name`);
    uniqueName(viewName, `${viewPath}.name`, viewNames);
    const type = viewInput.type ?? 'grid';
    if (!VIEW_TYPES.includes(type as never)) throw new SeedError(`${viewPath}.type`, `must be one of ${VIEW_TYPES.join(', ')}`);
    const viewId = seedId(viewInput.id, 'viw', `${id}/view ${viewName}`, `${viewPath}.id`, ids);
    return { id: viewId, name: viewName, type: type as SandboxView['type'], visibleFieldIds: fields.map((f) => f.id) };
  });
  const description = optionalText(input.description, `${path}.description`);
  const table: SandboxTable = { id, name, primaryFieldId: primary.id, ...(description ? { description } : {}), fields, views };
  return { table, records: input.records === undefined ? [] : seedArray(input.records, `${path}.records`) };
}

function seedField(
  value: unknown,
  path: string,
  tableId: string,
  ids: Set<string>,
  names: Set<string>,
  linkFields: Array<[SandboxField, string]>,
): SandboxField {
  const input = seedObject(value, path, ['id', 'name', 'type', 'description', 'options']);
  const name = seedText(input.name, `${path}.name`);
  uniqueName(name, `${path}.name`, names);
  const type = seedText(input.type, `${path}.type`);
  if (!SEED_FIELD_TYPES.includes(type)) throw new SeedError(`${path}.type`, `"${type}" is not a field type the sandbox has (${SEED_FIELD_TYPES.join(', ')})`);
  const id = seedId(input.id, 'fld', `${tableId}/field ${name}`, `${path}.id`, ids);
  const given = input.options === undefined ? {} : seedObject(input.options, `${path}.options`);
  const options: SandboxFieldOptions = { ...DEFAULT_OPTIONS[type], ...given };
  if (type === 'singleSelect' || type === 'multipleSelects') options.choices = seedChoices(given, `${path}.options`, id, ids);
  if (type === 'multipleRecordLinks') {
    const linkedTableId = seedText(given.linkedTableId, `${path}.options.linkedTableId`);
    Object.assign(options, { linkedTableId, isReversed: false, prefersSingleRecordLink: false, ...given });
  }
  const description = optionalText(input.description, `${path}.description`);
  const field: SandboxField = { id, name, type, ...(description ? { description } : {}), ...(Object.keys(options).length > 0 ? { options } : {}) };
  if (type === 'multipleRecordLinks') linkFields.push([field, `${path}.options.linkedTableId`]);
  return field;
}

function seedChoices(options: Json, path: string, fieldId: string, ids: Set<string>): SandboxFieldOptions['choices'] {
  const names = new Set<string>();
  return seedArray(options.choices ?? [], `${path}.choices`).map((value, c) => {
    const choicePath = `${path}.choices[${c}]`;
    const choice = seedObject(value, choicePath, ['id', 'name', 'color']);
    const name = seedText(choice.name, `${choicePath}.name`);
    if (names.has(name)) throw new SeedError(`${choicePath}.name`, `the choice "${name}" is there twice`);
    names.add(name);
    const color = choice.color === undefined ? choiceColor(c) : seedText(choice.color, `${choicePath}.color`);
    return { id: seedId(choice.id, 'sel', `${fieldId}/choice ${name}`, `${choicePath}.id`, ids), name, color };
  });
}
