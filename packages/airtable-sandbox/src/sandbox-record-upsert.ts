import { invalidRequest, unknownField, unprocessable } from './sandbox-api-error';
import { findField, type SandboxField, type SandboxTable } from './sandbox-data';
import type { CellValue, SandboxRecord } from './sandbox-record-types';
import type { Body } from './sandbox-write-body';

const MAX_MERGE_FIELDS = 3;

/** A record of an update: its id, or (upserting) none, and the cells it sets, undefined clearing one. */
export interface UpdateInput {
  id?: string;
  changes: Map<SandboxField, CellValue | undefined>;
}

/** `performUpsert: {fieldsToMergeOn: [...]}`: 1 to 3 different fields, by name or id. */
export function mergeFields(table: SandboxTable, value: unknown): SandboxField[] {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const names = isObject ? (value as Body).fieldsToMergeOn : undefined;
  if (
    !isObject ||
    Object.keys(value).length !== 1 ||
    !Array.isArray(names) ||
    names.length === 0 ||
    names.length > MAX_MERGE_FIELDS ||
    !names.every((name) => typeof name === 'string')
  ) {
    throw invalidRequest(`performUpsert is {fieldsToMergeOn: [1 to ${MAX_MERGE_FIELDS} field names or ids]}.`);
  }
  const fields = names.map((name: string) => {
    const field = findField(table, name);
    if (!field) throw unknownField(name);
    return field;
  });
  if (new Set(fields).size !== fields.length) throw invalidRequest('fieldsToMergeOn names a field twice.');
  return fields;
}

/** A value that is cheap to compare: itself, or its JSON when it is a list or an object. */
function probe(value: CellValue | undefined): unknown {
  return typeof value === 'object' ? JSON.stringify(value) : (value ?? null);
}

function keyOf(values: Array<CellValue | undefined>): string {
  return JSON.stringify(values.map((value) => value ?? null));
}

/**
 * The record each upserted one updates: the one its id names, else the one existing record equal to it on
 * every merge field, else none (it is created). Several matches, or two records of the request with the same
 * merge values, fail the request. One pass over the table, whatever the number of records written.
 */
export function upsertTargets(
  records: Iterable<SandboxRecord>,
  inputs: UpdateInput[],
  merge: SandboxField[],
  byId: (id: string) => SandboxRecord,
): Array<SandboxRecord | undefined> {
  const wanted = new Map<string, SandboxRecord[]>();
  const firstValues = new Set<unknown>();
  for (const input of inputs) {
    if (input.id !== undefined) continue;
    if (!merge.every((field) => input.changes.has(field))) {
      throw unprocessable('INVALID_RECORDS', 'Each record without an id must set every field of fieldsToMergeOn.');
    }
    const values = merge.map((field) => input.changes.get(field));
    if (wanted.has(keyOf(values))) throw unprocessable('INVALID_RECORDS', 'Two records of the request have the same values in fieldsToMergeOn.');
    wanted.set(keyOf(values), []);
    firstValues.add(probe(values[0]));
  }
  if (wanted.size > 0) {
    for (const record of records) {
      // Most records differ on the first merge field; only the others get a full key.
      if (!firstValues.has(probe(record.fields[merge[0].name]))) continue;
      wanted.get(keyOf(merge.map((field) => record.fields[field.name])))?.push(record);
    }
  }
  return inputs.map((input) => {
    if (input.id !== undefined) return byId(input.id);
    const matches = wanted.get(keyOf(merge.map((field) => input.changes.get(field))))!;
    if (matches.length > 1) {
      // Airtable's error type for this is undocumented; INVALID_RECORDS says the request's records are at fault.
      throw unprocessable('INVALID_RECORDS', `${matches.length} records match the values of fieldsToMergeOn; an upsert updates at most one.`);
    }
    return matches[0];
  });
}
