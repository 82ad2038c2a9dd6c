import { invalidRequest, unprocessable } from './sandbox-api-error';
import type { SandboxBase } from './sandbox-data';

export const DATA_TYPES = ['tableData', 'tableFields', 'tableMetadata'] as const;
export const CHANGE_TYPES = ['add', 'remove', 'update'] as const;
export const SOURCES = [
  'client',
  'publicApi',
  'formSubmission',
  'formPageSubmission',
  'automation',
  'system',
  'sync',
  'anonymousUser',
  'unknown',
] as const;

export type DataType = (typeof DATA_TYPES)[number];
export type ChangeType = (typeof CHANGE_TYPES)[number];
export type ChangeSource = (typeof SOURCES)[number];

export interface WebhookFilters {
  dataTypes: DataType[];
  recordChangeScope?: string;
  changeTypes?: ChangeType[];
  fromSources?: ChangeSource[];
  watchDataInFieldIds?: string[];
  watchSchemasOfFieldIds?: string[];
}

export interface WebhookIncludes {
  includeCellValuesInFieldIds?: string[] | 'all';
  includePreviousCellValues?: boolean;
  includePreviousFieldDefinitions?: boolean;
}

export interface WebhookSpecification {
  options: { filters: WebhookFilters; includes?: WebhookIncludes };
}

export interface WebhookInput {
  notificationUrl: string | null;
  specification: WebhookSpecification;
}

/** What a data type lets the webhook read, so creating it needs the same scope as reading it directly. */
const SCOPE_OF: Readonly<Record<DataType, string>> = {
  tableData: 'data.records:read',
  tableFields: 'schema.bases:read',
  tableMetadata: 'schema.bases:read',
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const FIELD_ID = /^fld[A-Za-z0-9]{14}$/;

type Json = Record<string, unknown>;

function invalidSpec(message: string) {
  return unprocessable('INVALID_WEBHOOK_SPECIFICATION', message);
}

/** The body of `POST /v0/bases/{baseId}/webhooks`, checked strictly against the base it is for. */
export function webhookInput(body: unknown, base: SandboxBase): WebhookInput {
  if (!isObject(body)) throw invalidRequest('The body must be a JSON object.');
  const unknown = Object.keys(body).find((key) => key !== 'notificationUrl' && key !== 'specification');
  if (unknown !== undefined) throw invalidRequest(`Unknown parameter: ${unknown}`);
  return { notificationUrl: notificationUrl(body.notificationUrl), specification: specification(body.specification, base) };
}

/** The scopes a webhook with this specification needs besides `webhook:manage`. */
export function scopesFor(spec: WebhookSpecification): string[] {
  return [...new Set(spec.options.filters.dataTypes.map((type) => SCOPE_OF[type]))];
}

/**
 * Airtable pings only publicly reachable URLs; the sandbox's equivalent is https anywhere, or plain http
 * to this machine (where a test or a local service listens).
 */
export function notificationUrl(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const refused = (reason: string) => unprocessable('INVALID_NOTIFICATION_URL', `notificationUrl ${reason}.`);
  if (typeof value !== 'string') throw refused('must be a string or null');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refused('must be an absolute URL');
  }
  if (url.username || url.password) throw refused('must not carry credentials');
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return value;
  throw refused('must be https, or http to a loopback host (127.0.0.1, localhost, ::1)');
}

export function specification(value: unknown, base: SandboxBase): WebhookSpecification {
  const spec = object(value, 'specification', ['options']);
  const options = object(spec.options, 'specification.options', ['filters', 'includes']);
  const filters = webhookFilters(options.filters, base);
  const scopeTable = base.tables.find((t) => t.id === filters.recordChangeScope);
  const fieldIds = new Set((scopeTable ? [scopeTable] : base.tables).flatMap((t) => t.fields.map((f) => f.id)));
  const includes = options.includes === undefined ? undefined : webhookIncludes(options.includes, fieldIds);
  for (const name of ['watchDataInFieldIds', 'watchSchemasOfFieldIds'] as const) knownFields(filters[name], `filters.${name}`, fieldIds);
  return { options: { filters, ...(includes ? { includes } : {}) } };
}

function webhookFilters(value: unknown, base: SandboxBase): WebhookFilters {
  const filters = object(value, 'specification.options.filters', [
    'dataTypes',
    'recordChangeScope',
    'changeTypes',
    'fromSources',
    'watchDataInFieldIds',
    'watchSchemasOfFieldIds',
  ]);
  if (filters.dataTypes === undefined) throw invalidSpec('filters.dataTypes is required.');
  const result: WebhookFilters = { dataTypes: choices(filters.dataTypes, 'filters.dataTypes', DATA_TYPES) };
  if (filters.recordChangeScope !== undefined) {
    const scope = filters.recordChangeScope;
    if (typeof scope !== 'string' || !base.tables.some((t) => t.id === scope)) {
      throw invalidSpec('filters.recordChangeScope must be the id of a table of this base.');
    }
    result.recordChangeScope = scope;
  }
  if (filters.changeTypes !== undefined) result.changeTypes = choices(filters.changeTypes, 'filters.changeTypes', CHANGE_TYPES);
  if (filters.fromSources !== undefined) result.fromSources = choices(filters.fromSources, 'filters.fromSources', SOURCES);
  for (const name of ['watchDataInFieldIds', 'watchSchemasOfFieldIds'] as const) {
    if (filters[name] !== undefined) result[name] = fieldIdList(filters[name], `filters.${name}`);
  }
  return result;
}

function webhookIncludes(value: unknown, fieldIds: ReadonlySet<string>): WebhookIncludes {
  const includes = object(value, 'specification.options.includes', [
    'includeCellValuesInFieldIds',
    'includePreviousCellValues',
    'includePreviousFieldDefinitions',
  ]);
  const result: WebhookIncludes = {};
  const cells = includes.includeCellValuesInFieldIds;
  if (cells !== undefined) {
    result.includeCellValuesInFieldIds = cells === 'all' ? 'all' : fieldIdList(cells, 'includes.includeCellValuesInFieldIds');
    if (cells !== 'all') knownFields(result.includeCellValuesInFieldIds as string[], 'includes.includeCellValuesInFieldIds', fieldIds);
  }
  for (const name of ['includePreviousCellValues', 'includePreviousFieldDefinitions'] as const) {
    if (includes[name] === undefined) continue;
    if (typeof includes[name] !== 'boolean') throw invalidSpec(`includes.${name} must be a boolean.`);
    result[name] = includes[name];
  }
  return result;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, name: string, keys: string[]): Json {
  if (!isObject(value)) throw invalidSpec(`${name} must be an object.`);
  const unknown = Object.keys(value).find((key) => !keys.includes(key));
  if (unknown !== undefined) throw invalidSpec(`${name} has an unknown key: ${unknown}`);
  return value;
}

/** A non-empty list of distinct strings, each one of `allowed`. */
function choices<T extends string>(value: unknown, name: string, allowed: readonly T[]): T[] {
  const list = distinctStrings(value, name);
  const wrong = list.find((item) => !(allowed as readonly string[]).includes(item));
  if (wrong !== undefined) throw invalidSpec(`${name} has an unknown value: ${wrong}`);
  return list as T[];
}

function fieldIdList(value: unknown, name: string): string[] {
  const list = distinctStrings(value, name);
  const wrong = list.find((item) => !FIELD_ID.test(item));
  if (wrong !== undefined) throw invalidSpec(`${name} must list field ids (fld...), not ${wrong.slice(0, 40)}`);
  return list;
}

/** An empty list would watch or include nothing, which is never what a client means. */
function distinctStrings(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === 'string')) {
    throw invalidSpec(`${name} must be a non-empty list of strings.`);
  }
  if (new Set(value).size !== value.length) throw invalidSpec(`${name} names a value twice.`);
  return value;
}

function knownFields(ids: string[] | undefined, name: string, known: ReadonlySet<string>): void {
  const unknown = ids?.find((id) => !known.has(id));
  if (unknown !== undefined) throw invalidSpec(`${name}: no field ${unknown} in the base (or in the table of recordChangeScope).`);
}
