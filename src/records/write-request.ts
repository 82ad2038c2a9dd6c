import { RECORD_ID_PATTERN } from '../airtable/airtable-models';
import type { WriteMethod } from '../airtable/airtable-records.client';
import { AppError, ErrorCode } from '../common/app-error';

const MAX_FIELD_NAME_LENGTH = 1_000;
const MAX_MERGE_FIELDS = 3;

export interface RecordInput {
  id?: string;
  fields: Record<string, unknown>;
}

/** A checked write: the records in order, and the options every chunk carries. */
export interface WriteRequest {
  method: WriteMethod;
  records: RecordInput[];
  options: { typecast?: boolean; returnFieldsByFieldId?: boolean; performUpsert?: { fieldsToMergeOn: string[] } };
}

function invalid(message: string): AppError {
  return new AppError(ErrorCode.InvalidRequest, { message });
}

/**
 * A create (POST), update (PATCH) or replace (PUT) body in Airtable's shape, checked whole before
 * anything is sent: `{records: [{id?, fields}], typecast?, returnFieldsByFieldId?, performUpsert?}`.
 */
export function writeRequest(method: WriteMethod, body: unknown, maxRecords: number): WriteRequest {
  const object = plainObject(body, 'The body must be a JSON object.');
  const allowed = method === 'POST' ? ['records', 'typecast', 'returnFieldsByFieldId'] : ['records', 'typecast', 'returnFieldsByFieldId', 'performUpsert'];
  if (Object.keys(object).some((key) => !allowed.includes(key))) throw invalid(`The body takes only ${allowed.join(', ')}.`);
  const { records, typecast, returnFieldsByFieldId, performUpsert } = object;
  const options: WriteRequest['options'] = {};
  if (typecast !== undefined) options.typecast = flag('typecast', typecast);
  if (returnFieldsByFieldId !== undefined) options.returnFieldsByFieldId = flag('returnFieldsByFieldId', returnFieldsByFieldId);
  if (performUpsert !== undefined) options.performUpsert = upsert(performUpsert);
  // Creates carry no id; updates name theirs; upserts may, and match the rest on the merge fields.
  const ids = method === 'POST' ? 'never' : options.performUpsert ? 'optional' : 'required';
  const list = recordList(records, maxRecords).map((record) => recordInput(record, ids));
  const named = list.flatMap((r) => (r.id ? [r.id] : []));
  if (new Set(named).size !== named.length) throw invalid('A record id appears more than once.');
  return { method, records: list, options };
}

/** The ids of a delete: `records[]=` repeated in the query, or `{records: [...]}` as the body, not both. */
export function deleteRequest(rawQuery: string, body: unknown, maxRecords: number): string[] {
  const query = new URLSearchParams(rawQuery);
  const fromQuery: string[] = [];
  for (const [key, value] of query) {
    if (key !== 'records[]') throw invalid('A delete takes only records[] in the query.');
    fromQuery.push(value);
  }
  const hasBody = body !== undefined && !(typeof body === 'object' && body !== null && Object.keys(body).length === 0);
  if (fromQuery.length > 0 && hasBody) throw invalid('Name the records in the query or in the body, not both.');
  let ids: unknown = fromQuery;
  if (hasBody) {
    const object = plainObject(body, 'The body must be a JSON object.');
    if (Object.keys(object).some((key) => key !== 'records')) throw invalid('The body takes only records.');
    ids = object.records;
  }
  const list = recordList(ids, maxRecords);
  if (!list.every((id) => typeof id === 'string' && RECORD_ID_PATTERN.test(id))) throw new AppError(ErrorCode.InvalidRecordId);
  if (new Set(list).size !== list.length) throw invalid('A record id appears more than once.');
  return list as string[];
}

function recordList(value: unknown, max: number): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('records must be a non-empty list.');
  if (value.length > max) throw invalid(`At most ${max} records can be written in one request.`);
  return value;
}

function recordInput(value: unknown, ids: 'never' | 'optional' | 'required'): RecordInput {
  const record = plainObject(value, 'Each record must be an object with fields.');
  const allowed = ids === 'never' ? ['fields'] : ['id', 'fields'];
  if (Object.keys(record).some((key) => !allowed.includes(key))) throw invalid(`A record takes only ${allowed.join(' and ')}.`);
  const fields = plainObject(record.fields, 'Each record needs a fields object.');
  if (Object.keys(fields).some((name) => name.length === 0 || name.length > MAX_FIELD_NAME_LENGTH)) {
    throw invalid(`Field names are 1 to ${MAX_FIELD_NAME_LENGTH} characters.`);
  }
  if (record.id === undefined) {
    if (ids === 'required') throw invalid('Each record to update needs its id.');
    return { fields };
  }
  if (typeof record.id !== 'string' || !RECORD_ID_PATTERN.test(record.id)) throw new AppError(ErrorCode.InvalidRecordId);
  return { id: record.id, fields };
}

function upsert(value: unknown): { fieldsToMergeOn: string[] } {
  const object = plainObject(value, 'performUpsert must be {fieldsToMergeOn: [...]}.');
  const merge = object.fieldsToMergeOn;
  if (
    Object.keys(object).length !== 1 ||
    !Array.isArray(merge) ||
    merge.length === 0 ||
    merge.length > MAX_MERGE_FIELDS ||
    !merge.every((name) => typeof name === 'string' && name.length > 0 && name.length <= MAX_FIELD_NAME_LENGTH)
  ) {
    throw invalid(`performUpsert.fieldsToMergeOn names 1 to ${MAX_MERGE_FIELDS} fields.`);
  }
  return { fieldsToMergeOn: merge as string[] };
}

function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(`${name} must be true or false.`);
  return value;
}

function plainObject(value: unknown, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(message);
  return value as Record<string, unknown>;
}
