import type { ListParams, SortSpec } from '../airtable/airtable-models';
import { AppError, ErrorCode } from '../common/app-error';

const MAX_FIELDS = 500;
const MAX_SORTS = 20;
const MAX_NAME_LENGTH = 1_000;
const MAX_FORMULA_LENGTH = 100_000;
const MAX_OFFSET_LENGTH = 1_000;
const OFFSET = /^[\x21-\x7e]+$/;
const SORT_KEY = /^sort\[(\d{1,2})\]\[(field|direction)\]$/;
const SCALARS = ['filterByFormula', 'maxRecords', 'pageSize', 'view', 'cellFormat', 'timeZone', 'userLocale', 'returnFieldsByFieldId', 'offset'] as const;
type Scalar = (typeof SCALARS)[number];

export interface ListRules {
  /** Export pages on its own: a caller's offset or page size has no place there. */
  paging: boolean;
}

function invalid(message: string): AppError {
  return new AppError(ErrorCode.InvalidRequest, { message });
}

/**
 * Airtable's list parameters from a raw query string, in exactly the shapes Airtable documents:
 * `fields[]` and `recordMetadata[]` repeated, `sort[N][field]` / `sort[N][direction]`, every other
 * parameter once. Anything else is refused before a call is made.
 */
export function listParamsFromQuery(raw: string, rules: ListRules = { paging: true }): ListParams {
  const scalars: Partial<Record<Scalar, string>> = {};
  const fields: string[] = [];
  const metadata: string[] = [];
  const sorts: Array<{ field?: string; direction?: string }> = [];
  for (const [key, value] of new URLSearchParams(raw)) {
    const sort = SORT_KEY.exec(key);
    if (key === 'fields[]') fields.push(value);
    else if (key === 'recordMetadata[]') metadata.push(value);
    else if (sort) {
      const entry = (sorts[Number(sort[1])] ??= {});
      const part = sort[2] as 'field' | 'direction';
      if (entry[part] !== undefined) throw invalid(`The parameter sort[${sort[1]}][${part}] must be sent once.`);
      entry[part] = value;
    } else if ((SCALARS as readonly string[]).includes(key)) {
      if (scalars[key as Scalar] !== undefined) throw invalid(`The parameter "${key}" must be sent once.`);
      scalars[key as Scalar] = value;
    } else {
      throw invalid('The query has a parameter records listing does not take.');
    }
  }
  if (sorts.length > MAX_SORTS) throw invalid(`At most ${MAX_SORTS} sorts are allowed.`);
  const sort = Array.from(sorts, (entry, i) => {
    if (entry?.field === undefined) throw invalid(`sort[${i}][field] is missing: sorts are numbered from 0 without gaps.`);
    return { field: entry.field, direction: entry.direction ?? 'asc' };
  });
  const { maxRecords, pageSize, returnFieldsByFieldId, ...text } = scalars;
  return checked(
    {
      ...text,
      ...(fields.length ? { fields } : {}),
      ...(metadata.length ? { recordMetadata: metadata } : {}),
      ...(sort.length ? { sort } : {}),
      ...(maxRecords !== undefined ? { maxRecords: integer('maxRecords', maxRecords) } : {}),
      ...(pageSize !== undefined ? { pageSize: integer('pageSize', pageSize) } : {}),
      ...(returnFieldsByFieldId !== undefined ? { returnFieldsByFieldId: boolean('returnFieldsByFieldId', returnFieldsByFieldId) } : {}),
    },
    rules,
  );
}

/** The same parameters as a JSON body (`POST .../records/query`), in Airtable's listRecords shape. */
export function listParamsFromBody(body: unknown, rules: ListRules = { paging: true }): ListParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The body must be a JSON object.');
  const allowed = new Set<string>(['fields', 'sort', 'recordMetadata', ...SCALARS]);
  if (Object.keys(body).some((key) => !allowed.has(key))) throw invalid('The body has a property records listing does not take.');
  return checked(body as Record<string, unknown>, rules);
}

/** One set of rules for both shapes: types, ranges and lengths. */
function checked(input: Record<string, unknown>, rules: ListRules): ListParams {
  const params: ListParams = {};
  const {
    fields, sort, recordMetadata, filterByFormula, maxRecords, pageSize, view, cellFormat, timeZone, userLocale, returnFieldsByFieldId, offset,
  } = input;
  if (fields !== undefined) params.fields = names('fields', fields, MAX_FIELDS);
  if (sort !== undefined) params.sort = sorts(sort);
  if (recordMetadata !== undefined) {
    if (!Array.isArray(recordMetadata) || recordMetadata.length !== 1 || recordMetadata[0] !== 'commentCount') {
      throw invalid('recordMetadata takes one value: commentCount.');
    }
    params.recordMetadata = ['commentCount'];
  }
  if (filterByFormula !== undefined) params.filterByFormula = text('filterByFormula', filterByFormula, MAX_FORMULA_LENGTH);
  if (maxRecords !== undefined) params.maxRecords = range('maxRecords', maxRecords, 1, Number.MAX_SAFE_INTEGER);
  if (view !== undefined) params.view = text('view', view, MAX_NAME_LENGTH);
  if (returnFieldsByFieldId !== undefined) {
    if (typeof returnFieldsByFieldId !== 'boolean') throw invalid('returnFieldsByFieldId must be true or false.');
    params.returnFieldsByFieldId = returnFieldsByFieldId;
  }
  if (!rules.paging && (pageSize !== undefined || offset !== undefined)) throw invalid('An export pages by itself: leave out pageSize and offset.');
  if (pageSize !== undefined) params.pageSize = range('pageSize', pageSize, 1, 100);
  if (offset !== undefined) {
    if (typeof offset !== 'string' || offset.length > MAX_OFFSET_LENGTH || !OFFSET.test(offset)) throw invalid('The offset is not one Airtable gave.');
    params.offset = offset;
  }
  Object.assign(params, cellFormatting(cellFormat, timeZone, userLocale));
  return params;
}

function cellFormatting(cellFormat: unknown, timeZone: unknown, userLocale: unknown): Pick<ListParams, 'cellFormat' | 'timeZone' | 'userLocale'> {
  if (cellFormat === undefined || cellFormat === 'json') {
    if (timeZone !== undefined || userLocale !== undefined) throw invalid('timeZone and userLocale apply only with cellFormat=string.');
    return cellFormat === undefined ? {} : { cellFormat };
  }
  if (cellFormat !== 'string') throw invalid('cellFormat is json or string.');
  if (typeof timeZone !== 'string' || typeof userLocale !== 'string') throw invalid('cellFormat=string needs timeZone and userLocale.');
  try {
    new Intl.DateTimeFormat(userLocale, { timeZone });
  } catch {
    throw invalid('timeZone must be an IANA time zone and userLocale a language tag.');
  }
  return { cellFormat, timeZone, userLocale };
}

function sorts(value: unknown): SortSpec[] {
  if (!Array.isArray(value) || value.length > MAX_SORTS) throw invalid(`sort is a list of at most ${MAX_SORTS} {field, direction}.`);
  return value.map((entry) => {
    if (typeof entry !== 'object' || entry === null || Object.keys(entry).some((k) => k !== 'field' && k !== 'direction')) {
      throw invalid('Each sort is {field, direction}.');
    }
    const { field, direction = 'asc' } = entry as { field?: unknown; direction?: unknown };
    if (direction !== 'asc' && direction !== 'desc') throw invalid('A sort direction is asc or desc.');
    return { field: text('sort field', field, MAX_NAME_LENGTH), direction };
  });
}

function names(name: string, value: unknown, max: number): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > max) throw invalid(`${name} is a list of 1 to ${max} field names or ids.`);
  return value.map((item) => text(name, item, MAX_NAME_LENGTH));
}

/** A non-empty string without control characters other than line breaks and tabs (formulas span lines). */
function text(name: string, value: unknown, max: number): string {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.length === 0 || value.length > max || /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(value)) {
    throw invalid(`${name} must be a non-empty text of at most ${max} characters.`);
  }
  return value;
}

function integer(name: string, raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw invalid(`${name} must be a whole number.`);
  return Number(raw);
}

function range(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(max === Number.MAX_SAFE_INTEGER ? `${name} must be a whole number from ${min}.` : `${name} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function boolean(name: string, raw: string): boolean {
  if (raw !== 'true' && raw !== 'false') throw invalid(`${name} must be true or false.`);
  return raw === 'true';
}
