import { AppError, ErrorCode } from '../common/app-error';

const DATA_TYPES = ['tableData', 'tableFields', 'tableMetadata'];
const CHANGE_TYPES = ['add', 'remove', 'update'];
const SOURCES = ['client', 'publicApi', 'formSubmission', 'formPageSubmission', 'automation', 'system', 'sync', 'anonymousUser', 'unknown'];
const FIELD_ID = /^fld[A-Za-z0-9]{14}$/;
/** A table (or a view of one) that record changes are limited to. */
const SCOPE_ID = /^(tbl|viw)[A-Za-z0-9]{14}$/;
const MAX_FIELD_IDS = 500;

type Json = Record<string, unknown>;

/**
 * Airtable's webhook specification, checked whole before any call: the shape Airtable documents,
 * nothing else. A failure names the part that is wrong, never the value sent.
 */
export function webhookSpecification(input: unknown): Json {
  const specification = object(input, 'specification', ['options']);
  const options = object(specification.options, 'specification.options', ['filters', 'includes'], ['filters']);
  const filters = object(options.filters, 'options.filters', ['dataTypes', 'recordChangeScope', 'changeTypes', 'fromSources', 'sourceOptions', 'watchDataInFieldIds', 'watchSchemasOfFieldIds'], ['dataTypes']);
  choices(filters.dataTypes, 'filters.dataTypes', DATA_TYPES);
  if (filters.recordChangeScope !== undefined && (typeof filters.recordChangeScope !== 'string' || !SCOPE_ID.test(filters.recordChangeScope))) {
    fail('filters.recordChangeScope must be a table id (tbl...) or view id (viw...).');
  }
  if (filters.changeTypes !== undefined) choices(filters.changeTypes, 'filters.changeTypes', CHANGE_TYPES);
  if (filters.fromSources !== undefined) choices(filters.fromSources, 'filters.fromSources', SOURCES);
  if (filters.sourceOptions !== undefined) sourceOptions(filters.sourceOptions);
  for (const name of ['watchDataInFieldIds', 'watchSchemasOfFieldIds']) if (filters[name] !== undefined) fieldIds(filters[name], `filters.${name}`);
  if (options.includes !== undefined) {
    const includes = object(options.includes, 'options.includes', ['includeCellValuesInFieldIds', 'includePreviousCellValues', 'includePreviousFieldDefinitions']);
    if (includes.includeCellValuesInFieldIds !== undefined && includes.includeCellValuesInFieldIds !== 'all') {
      fieldIds(includes.includeCellValuesInFieldIds, 'includes.includeCellValuesInFieldIds', '"all" or ');
    }
    for (const name of ['includePreviousCellValues', 'includePreviousFieldDefinitions']) {
      if (includes[name] !== undefined && typeof includes[name] !== 'boolean') fail(`includes.${name} must be true or false.`);
    }
  }
  return specification;
}

function sourceOptions(value: unknown): void {
  const options = object(value, 'filters.sourceOptions', ['formSubmission', 'formPageSubmission']);
  if (options.formSubmission !== undefined) {
    const form = object(options.formSubmission, 'sourceOptions.formSubmission', ['viewId'], ['viewId']);
    if (typeof form.viewId !== 'string' || !/^viw[A-Za-z0-9]{14}$/.test(form.viewId)) fail('sourceOptions.formSubmission.viewId must be a view id (viw...).');
  }
  if (options.formPageSubmission !== undefined) {
    const page = object(options.formPageSubmission, 'sourceOptions.formPageSubmission', ['pageId'], ['pageId']);
    if (typeof page.pageId !== 'string' || !/^pag[A-Za-z0-9]{14}$/.test(page.pageId)) fail('sourceOptions.formPageSubmission.pageId must be a page id (pag...).');
  }
}

function object(value: unknown, name: string, allowed: string[], required: string[] = []): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${name} must be an object.`);
  const keys = Object.keys(value as Json);
  if (keys.some((key) => !allowed.includes(key))) fail(`${name} takes only ${allowed.join(', ')}.`);
  for (const key of required) if ((value as Json)[key] === undefined) fail(`${name}.${key} is required.`);
  return value as Json;
}

/** An empty list would watch nothing (Airtable refuses it), and a repeated value means a mistake. */
function distinct(value: unknown, valid: (item: unknown) => boolean, max = Infinity): boolean {
  return Array.isArray(value) && value.length > 0 && value.length <= max && value.every(valid) && new Set(value).size === value.length;
}

function choices(value: unknown, name: string, allowed: string[]): void {
  if (!distinct(value, (item) => typeof item === 'string' && allowed.includes(item))) fail(`${name} must be a non-empty list of distinct values from: ${allowed.join(', ')}.`);
}

function fieldIds(value: unknown, name: string, alternative = ''): void {
  if (!distinct(value, (id) => typeof id === 'string' && FIELD_ID.test(id), MAX_FIELD_IDS)) {
    fail(`${name} must be ${alternative}a non-empty list of up to ${MAX_FIELD_IDS} distinct field ids (fld...).`);
  }
}

function fail(message: string): never {
  throw new AppError(ErrorCode.InvalidSpecification, { message });
}
