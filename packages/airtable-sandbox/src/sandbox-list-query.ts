import { invalidRequest } from './sandbox-api-error';
import type { SandboxSort } from './sandbox-data';

/** How records are rendered: by field name or id, as JSON cells or as text in a locale and time zone. */
export interface CellOptions {
  returnFieldsByFieldId: boolean;
  /** Set for `cellFormat=string`: then every cell is text. */
  text?: { timeZone: string; userLocale: string };
}

/** The parameters of a list request, checked for shape but not yet against the table. */
export interface ListQuery extends CellOptions {
  fields?: string[];
  sort: SandboxSort[];
  filterByFormula?: string;
  maxRecords?: number;
  pageSize: number;
  view?: string;
  commentCount: boolean;
  offset?: string;
}

export const MAX_PAGE_SIZE = 100;
const SORT_KEY = /^sort\[(\d{1,3})\]\[(field|direction)\]$/;
const LIST_SCALARS = ['filterByFormula', 'maxRecords', 'pageSize', 'view', 'cellFormat', 'timeZone', 'userLocale', 'returnFieldsByFieldId', 'offset'];
const CELL_SCALARS = ['cellFormat', 'timeZone', 'userLocale', 'returnFieldsByFieldId'];
// airtable.js sends `timeZone` and `userLocale` of a POST listRecords in the query as well as in the body.
const LIST_BODY_QUERY = ['timeZone', 'userLocale'];
const LIST_BODY_KEYS = new Set(['fields', 'sort', 'recordMetadata', 'method', ...LIST_SCALARS]);

type Raw = Record<string, unknown>;

/** `GET /v0/{base}/{table}`: `fields[]` and `recordMetadata[]` repeated, `sort[N][field|direction]`, the rest once. */
export function listQueryFromParams(params: URLSearchParams): ListQuery {
  const raw: Raw = {};
  const fields: string[] = [];
  const metadata: string[] = [];
  const sorts = new Map<number, { field?: string; direction?: string }>();
  for (const [key, value] of params) {
    const sort = SORT_KEY.exec(key);
    if (key === 'fields[]') fields.push(value);
    else if (key === 'recordMetadata[]') metadata.push(value);
    else if (sort) {
      const entry = sorts.get(Number(sort[1])) ?? {};
      const part = sort[2] as 'field' | 'direction';
      if (entry[part] !== undefined) throw invalidRequest(`The parameter ${key} was sent more than once.`);
      entry[part] = value;
      sorts.set(Number(sort[1]), entry);
    } else scalar(raw, key, value, LIST_SCALARS);
  }
  if (fields.length > 0) raw.fields = fields;
  if (metadata.length > 0) raw.recordMetadata = metadata;
  // Airtable reads the query as nested arrays: the numbers order the sorts, gaps do not matter.
  if (sorts.size > 0) raw.sort = [...sorts.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
  return listQuery(fromText(raw));
}

/** `POST /v0/{base}/{table}/listRecords`: the same parameters as a JSON object. */
export function listQueryFromBody(body: unknown, params: URLSearchParams): ListQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('The body must be a JSON object.');
  const unknown = Object.keys(body).find((key) => !LIST_BODY_KEYS.has(key));
  if (unknown !== undefined) throw invalidRequest(`Unknown parameter: ${unknown}`);
  const fromQuery: Raw = {};
  for (const [key, value] of params) scalar(fromQuery, key, value, LIST_BODY_QUERY);
  const { method, ...rest } = body as Raw;
  if (method !== undefined && method !== 'post' && method !== 'get') throw invalidRequest('method must be "get" or "post".');
  return listQuery({ ...fromQuery, ...rest });
}

/** `GET /v0/{base}/{table}/{recordId}`: only how the record is rendered. */
export function cellOptionsFromParams(params: URLSearchParams): CellOptions {
  const raw: Raw = {};
  for (const [key, value] of params) scalar(raw, key, value, CELL_SCALARS);
  return cellOptions(fromText(raw));
}

export function cellOptions(raw: Raw): CellOptions {
  const { cellFormat = 'json', timeZone, userLocale, returnFieldsByFieldId = false } = raw;
  if (typeof returnFieldsByFieldId !== 'boolean') throw invalidRequest('returnFieldsByFieldId must be a boolean.');
  for (const [name, value] of [['timeZone', timeZone], ['userLocale', userLocale]] as const) {
    if (value !== undefined && typeof value !== 'string') throw invalidRequest(`${name} must be a string.`);
  }
  if (cellFormat === 'json') return { returnFieldsByFieldId };
  if (cellFormat !== 'string') throw invalidRequest('cellFormat must be "json" or "string".');
  if (typeof timeZone !== 'string' || typeof userLocale !== 'string') {
    throw invalidRequest('cellFormat "string" needs timeZone and userLocale.');
  }
  try {
    new Intl.DateTimeFormat(userLocale, { timeZone });
  } catch {
    throw invalidRequest('timeZone must be an IANA time zone and userLocale a locale such as en-us.');
  }
  return { returnFieldsByFieldId, text: { timeZone, userLocale } };
}

function listQuery(raw: Raw): ListQuery {
  const { fields, sort, filterByFormula, maxRecords, pageSize = MAX_PAGE_SIZE, view, recordMetadata, offset } = raw;
  const query: ListQuery = { ...cellOptions(raw), sort: sorts(sort), pageSize: wholeNumber('pageSize', pageSize, MAX_PAGE_SIZE), commentCount: false };
  if (fields !== undefined) query.fields = strings('fields', fields);
  if (filterByFormula !== undefined && filterByFormula !== '') query.filterByFormula = text('filterByFormula', filterByFormula);
  if (maxRecords !== undefined) query.maxRecords = wholeNumber('maxRecords', maxRecords, Number.MAX_SAFE_INTEGER);
  if (view !== undefined) query.view = text('view', view);
  if (offset !== undefined) query.offset = text('offset', offset);
  if (recordMetadata !== undefined) {
    const metadata = strings('recordMetadata', recordMetadata);
    if (metadata.some((item) => item !== 'commentCount')) throw invalidRequest('recordMetadata takes only commentCount.');
    query.commentCount = metadata.length > 0;
  }
  return query;
}

/** Query values are text; numbers and booleans are read here so both shapes share one set of checks. */
function fromText(raw: Raw): Raw {
  const read = { ...raw };
  for (const name of ['pageSize', 'maxRecords']) {
    if (typeof read[name] === 'string') read[name] = /^\d{1,15}$/.test(read[name] as string) ? Number(read[name]) : read[name];
  }
  const flag = read.returnFieldsByFieldId;
  if (flag === 'true' || flag === '1') read.returnFieldsByFieldId = true;
  if (flag === 'false' || flag === '0') read.returnFieldsByFieldId = false;
  return read;
}

function scalar(raw: Raw, key: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(key)) throw invalidRequest(`Unknown parameter: ${key}`);
  if (raw[key] !== undefined) throw invalidRequest(`The parameter ${key} was sent more than once.`);
  raw[key] = value;
}

function sorts(value: unknown): SandboxSort[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidRequest('sort must be a list of {field, direction}.');
  return value.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null || Object.keys(entry).some((key) => key !== 'field' && key !== 'direction')) {
      throw invalidRequest('Each sort is {field, direction}.');
    }
    const { field, direction = 'asc' } = entry as Raw;
    if (typeof field !== 'string') throw invalidRequest('Each sort needs a field.');
    if (direction !== 'asc' && direction !== 'desc') throw invalidRequest('A sort direction is "asc" or "desc".');
    return { field, direction };
  });
}

function strings(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalidRequest(`${name} must be a list of strings.`);
  return value;
}

function text(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalidRequest(`${name} must be a non-empty string.`);
  return value;
}

function wholeNumber(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidRequest(`${name} must be a whole number from 1${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}.`);
  }
  return value;
}
