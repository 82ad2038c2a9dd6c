import { unprocessable } from './sandbox-api-error';
import type { SandboxCollaborator, SandboxField } from './sandbox-data';
import type { CellValue } from './sandbox-record-types';

/** What checking a written value may need beyond the field itself. */
export interface CellContext {
  typecast: boolean;
  /** Select choices a typecast write will add, by field; nothing is added unless the whole write is valid. */
  newChoices: Map<SandboxField, string[]>;
  collaborators: readonly SandboxCollaborator[];
  linkExists(field: SandboxField, recordId: string): boolean;
  /** The linked record whose primary field reads `text` (typecast only). */
  linkByText(field: SandboxField, text: string): string | undefined;
}

const TEXT_TYPES = new Set(['singleLineText', 'multilineText', 'email', 'url', 'phoneNumber', 'richText']);
const NUMBER_TYPES = new Set(['number', 'currency', 'percent', 'rating', 'duration']);
const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/;
const RECORD_ID = /^rec[A-Za-z0-9]{14}$/;
const TRUE_TEXT = new Set(['true', 'checked', 'yes', 'on', '1', 'x']);
const FALSE_TEXT = new Set(['false', 'unchecked', 'no', 'off', '0', '']);

function rejected(field: SandboxField): Error {
  return unprocessable('INVALID_VALUE_FOR_COLUMN', `Field "${field.name}" cannot accept the provided value`);
}

function throwRejected(field: SandboxField): never {
  throw rejected(field);
}

/**
 * A written value checked against its field's type, in the form it is stored; undefined clears the cell.
 * `null` clears any cell, `''` a text, select or date cell, `[]` a list cell, `false` a checkbox. With
 * `typecast`, text is converted where it makes sense (numbers, checkboxes, dates, new select choices).
 */
export function cellValue(field: SandboxField, input: unknown, context: CellContext): CellValue | undefined {
  if (input === null) return undefined;
  if (input === '' && (context.typecast || TEXT_TYPES.has(field.type) || ['singleSelect', 'date', 'dateTime'].includes(field.type))) return undefined;
  if (TEXT_TYPES.has(field.type)) return text(field, input, context);
  if (NUMBER_TYPES.has(field.type)) return number(field, input, context);
  switch (field.type) {
    case 'checkbox':
      return checkbox(field, input, context);
    case 'singleSelect':
      return choice(field, context.typecast && typeof input === 'number' ? String(input) : input, context);
    case 'multipleSelects':
      return list(field, context.typecast && typeof input === 'string' ? input.split(',').map((s) => s.trim()).filter(Boolean) : input, (item) =>
        choice(field, item, context),
      );
    case 'date':
      return date(field, input, context);
    case 'dateTime':
      return dateTime(field, input, context);
    case 'multipleRecordLinks':
      return list(field, context.typecast && typeof input === 'string' ? [input] : input, (item) => link(field, item, context));
    case 'singleCollaborator':
      return collaborator(field, input, context);
    default:
      throw rejected(field);
  }
}

function text(field: SandboxField, input: unknown, context: CellContext): string {
  if (typeof input === 'string') return input;
  if (context.typecast && (typeof input === 'number' || typeof input === 'boolean')) return String(input);
  throw rejected(field);
}

function number(field: SandboxField, input: unknown, context: CellContext): number {
  if (typeof input === 'number' && Number.isFinite(input)) return input;
  if (context.typecast && typeof input === 'string') {
    const digits = input.trim().replace(/,/g, '');
    if (NUMERIC_TEXT.test(digits) && Number.isFinite(Number(digits))) return Number(digits);
  }
  throw rejected(field);
}

function checkbox(field: SandboxField, input: unknown, context: CellContext): true | undefined {
  if (typeof input === 'boolean') return input || undefined;
  if (context.typecast && typeof input === 'number') return input !== 0 || undefined;
  if (context.typecast && typeof input === 'string') {
    const word = input.trim().toLowerCase();
    if (TRUE_TEXT.has(word)) return true;
    if (FALSE_TEXT.has(word)) return undefined;
  }
  throw rejected(field);
}

/** An existing choice by name; with typecast an unknown name becomes a new choice. */
function choice(field: SandboxField, input: unknown, context: CellContext): string {
  if (typeof input !== 'string' || input === '') throw rejected(field);
  if ((field.options?.choices ?? []).some((c) => c.name === input)) return input;
  if (!context.typecast) {
    throw unprocessable('INVALID_MULTIPLE_CHOICE_OPTIONS', `Insufficient permissions to create new select option ""${input}""`);
  }
  const pending = context.newChoices.get(field) ?? [];
  if (!pending.includes(input)) context.newChoices.set(field, [...pending, input]);
  return input;
}

/** A list cell: items checked one by one, duplicates dropped, an empty list clears the cell. */
function list(field: SandboxField, input: unknown, item: (value: unknown) => string): string[] | undefined {
  if (!Array.isArray(input)) throw rejected(field);
  const items = [...new Set(input.map(item))];
  return items.length === 0 ? undefined : items;
}

function link(field: SandboxField, input: unknown, context: CellContext): string {
  if (typeof input !== 'string') throw rejected(field);
  if (RECORD_ID.test(input)) {
    if (!context.linkExists(field, input)) throw unprocessable('ROW_DOES_NOT_EXIST', `Record ID ${input} does not exist`);
    return input;
  }
  const byText = context.typecast ? context.linkByText(field, input) : undefined;
  if (byText === undefined) throw rejected(field);
  return byText;
}

function collaborator(field: SandboxField, input: unknown, context: CellContext): SandboxCollaborator {
  const wanted = context.typecast && typeof input === 'string' ? { email: input, id: input } : input;
  if (typeof wanted !== 'object' || wanted === null || Array.isArray(wanted)) throw rejected(field);
  const { id, email } = wanted as { id?: unknown; email?: unknown };
  const found = context.collaborators.find((c) => (id !== undefined && c.id === id) || (typeof email === 'string' && c.email.toLowerCase() === email.toLowerCase()));
  if (!found) throw rejected(field);
  return { ...found };
}

/** A calendar date, `YYYY-MM-DD`; an ISO date-time counts as its UTC date (its own date when it has no offset). */
function date(field: SandboxField, input: unknown, context: CellContext): string {
  if (typeof input !== 'string') throw rejected(field);
  const calendarDate = (text: string) => {
    const time = Date.parse(text);
    return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === text ? text : undefined;
  };
  if (ISO_DATE.test(input)) return calendarDate(input) ?? throwRejected(field);
  if (ISO_DATE_TIME.test(input)) {
    if (!HAS_OFFSET.test(input)) return calendarDate(input.slice(0, 10)) ?? throwRejected(field);
    const time = Date.parse(input);
    if (!Number.isNaN(time)) return new Date(time).toISOString().slice(0, 10);
  }
  if (context.typecast) {
    // Other text ("May 1, 2024", "5/1/2024") as JavaScript reads it, on the calendar day it names.
    const parsed = new Date(Date.parse(input));
    if (!Number.isNaN(parsed.getTime())) {
      return new Date(Date.UTC(parsed.getFullYear(), parsed.getMonth(), parsed.getDate())).toISOString().slice(0, 10);
    }
  }
  throw rejected(field);
}

/** An instant, stored as ISO 8601 in UTC; a date or a time without an offset is read in UTC. */
function dateTime(field: SandboxField, input: unknown, context: CellContext): string {
  if (typeof input !== 'string') throw rejected(field);
  if (ISO_DATE.test(input) || ISO_DATE_TIME.test(input)) {
    const utc = HAS_OFFSET.test(input) || ISO_DATE.test(input) ? input : `${input}Z`;
    const time = Date.parse(utc);
    if (!Number.isNaN(time)) return new Date(time).toISOString();
  }
  if (context.typecast && !Number.isNaN(Date.parse(input))) return new Date(Date.parse(input)).toISOString();
  throw rejected(field);
}
