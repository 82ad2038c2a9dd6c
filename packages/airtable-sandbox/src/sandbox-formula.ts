/**
 * The subset of Airtable's formula language the sandbox accepts in `filterByFormula`.
 *
 * Syntax
 * - Field references `{Field name}`: the exact (case-sensitive) name of one of the table's fields, any characters
 *   but `}`. Any other name is an error.
 * - Literals: strings in "double" or 'single' quotes with the escapes \" \' \\; numbers such as 42, 1.5 and .5 (no
 *   exponents); TRUE and FALSE.
 * - Operators, lowest precedence first: `= != < > <= >=`, `&`, `+ -`, `* /`, unary `-`; all binary operators are
 *   left-associative. Parentheses group. Whitespace, newlines included, may separate any tokens.
 * - Functions, names case-insensitive: AND OR XOR NOT IF TRUE FALSE BLANK RECORD_ID FIND SEARCH LOWER UPPER LEN TRIM
 *   LEFT RIGHT MID CONCATENATE VALUE IS_BEFORE IS_AFTER DATETIME_PARSE, their argument counts checked when compiled.
 * - At most 100,000 characters and 100 levels of parentheses, function calls and unary minus.
 *
 * Values
 * - Empty cells are blank: '' as text, 0 as a number, so `{X} = BLANK()`, `{X} = ''` and `{X} = 0` all hold for one.
 * - Arrays (multiple selects, linked records, lookups) are their items joined with ', '; collaborators become their
 *   name, attachments their file name; an empty array is blank.
 * - TRUE is 1 and FALSE 0, in arithmetic and as text ('1', '0'). Numbers print as JavaScript does (1.5, 10).
 * - Arithmetic and VALUE read blanks and '' as 0 and numeric text ('12', ' 1.5 ', '-4', '1e3') as numbers; other text
 *   is an error (`+` never concatenates; `&` does).
 * - Comparisons: as dates when either side is a date (DATETIME_PARSE), the other side then having to be a date or ISO
 *   text; else as numbers when both sides are numbers, booleans or blank; else as text, case-sensitive, by UTF-16
 *   code unit (so `10 < "9"` holds).
 * - Dates are ISO 8601: `2024-05-01`, `2024-05-01T10:00`, `2024-05-01 10:00:00.5+02:00`; without an offset they are
 *   UTC. As text a date is its `toISOString()`. DATETIME_PARSE ignores a second (format) argument.
 * - Lengths and positions (LEN, LEFT, RIGHT, MID, FIND, SEARCH) count characters (code points), 1-based.
 *   FIND is case-sensitive, SEARCH is not; both return 0 when the text is absent (Airtable's SEARCH returns blank).
 * - Runtime errors (division by zero, text that is not a number or a date, a negative count, a position below 1)
 *   make the whole value an error, which is never truthy: the record is left out and the request still succeeds.
 *   IF evaluates only the branch it takes.
 */
import { FormulaError, parseFormula, type BinaryOperator, type FormulaNode } from './sandbox-formula-parser';

export { FormulaError } from './sandbox-formula-parser';

export interface FormulaRecord {
  id: string;
  createdTime: string;
  fields: Readonly<Record<string, unknown>>;
}

export type Formula = (record: FormulaRecord) => unknown;

type Value = string | number | boolean | Date | null;
type Evaluate = (record: FormulaRecord) => Value;

/** Airtable's #ERROR!, the value of a formula that failed for one record. */
class FormulaErrorValue {
  constructor(readonly reason: string) {}
}

// Nothing in the subset recovers from an error, so it is thrown to the top of the evaluation and returned from there;
// it is no Error, so throwing it captures no stack.
function runtimeError(reason: string): never {
  throw new FormulaErrorValue(reason);
}

const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/;
// Collaborators show their name, attachments their file name, barcodes their text.
const OBJECT_TEXT_KEYS = ['name', 'filename', 'text'];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function finite(number: number): number {
  return Number.isFinite(number) ? number : runtimeError('number out of range');
}

function toNumber(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return 0;
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text === '') return 0;
  if (text !== undefined && NUMERIC_TEXT.test(text)) return finite(Number(text));
  return runtimeError('not a number');
}

function toText(value: Value): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const minutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2));
  return zone.startsWith('-') ? -minutes : minutes;
}

function isValidDate(year: number, month: number, day: number): boolean {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

function parseIsoTime(text: string): number | undefined {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  // Date would roll 2024-02-30 over into March and 24:00 into the next day; here they are not dates.
  if (!isValidDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const midnight = new Date(0).setUTCFullYear(y, mo - 1, d);
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  return midnight + ((h * 60 + mi - zoneOffsetMinutes(zone)) * 60 + s) * 1000 + millis;
}

function toTime(value: Value): number {
  if (value instanceof Date) return value.getTime();
  return (typeof value === 'string' ? parseIsoTime(value) : undefined) ?? runtimeError('not a date');
}

function toCount(value: Value): number {
  const count = Math.floor(toNumber(value));
  return count >= 0 ? count : runtimeError('negative count');
}

function toPosition(value: Value): number {
  const position = Math.floor(toNumber(value));
  return position >= 1 ? position : runtimeError('position below 1');
}

function isNumeric(value: Value): value is number | boolean | null {
  return typeof value === 'number' || typeof value === 'boolean' || value === null;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
function compare(a: Value, b: Value): number {
  if (a instanceof Date || b instanceof Date) return toTime(a) - toTime(b);
  if (isNumeric(a) && isNumeric(b)) return toNumber(a) - toNumber(b);
  const left = toText(a);
  const right = toText(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function characters(value: Value): string[] {
  return Array.from(toText(value));
}

/** 1-based character position of `needle` in `haystack` from character `start` on; 0 when absent. */
function find(needle: string, haystack: string, start: number): number {
  const chars = Array.from(haystack);
  if (start > chars.length + 1) return 0;
  const index = haystack.indexOf(needle, chars.slice(0, start - 1).join('').length);
  return index === -1 ? 0 : Array.from(haystack.slice(0, index)).length + 1;
}

function itemText(item: unknown): string {
  if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return toText(item);
  if (typeof item !== 'object' || item === null) return '';
  const object = item as Record<string, unknown>;
  const key = OBJECT_TEXT_KEYS.find((k) => typeof object[k] === 'string');
  return key === undefined ? '' : String(object[key]);
}

function cellValue(cell: unknown): Value {
  if (typeof cell === 'string' || typeof cell === 'number' || typeof cell === 'boolean') return cell;
  if (Array.isArray(cell)) return cell.length === 0 ? null : cell.map(itemText).join(', ');
  return cell === undefined || cell === null ? null : itemText(cell);
}

const OPERATORS: Readonly<Record<BinaryOperator, (a: Value, b: Value) => Value>> = {
  '=': (a, b) => compare(a, b) === 0,
  '!=': (a, b) => compare(a, b) !== 0,
  '<': (a, b) => compare(a, b) < 0,
  '>': (a, b) => compare(a, b) > 0,
  '<=': (a, b) => compare(a, b) <= 0,
  '>=': (a, b) => compare(a, b) >= 0,
  '&': (a, b) => toText(a) + toText(b),
  '+': (a, b) => finite(toNumber(a) + toNumber(b)),
  '-': (a, b) => finite(toNumber(a) - toNumber(b)),
  '*': (a, b) => finite(toNumber(a) * toNumber(b)),
  '/': (a, b) => {
    const dividend = toNumber(a);
    const divisor = toNumber(b);
    return divisor === 0 ? runtimeError('division by zero') : finite(dividend / divisor);
  },
};

interface FunctionDefinition {
  minArgs: number;
  maxArgs: number;
  build(args: Evaluate[]): Evaluate;
}

/** A function that evaluates all of its arguments first. */
function strict(
  minArgs: number,
  maxArgs: number,
  apply: (values: Value[], record: FormulaRecord) => Value,
): FunctionDefinition {
  return { minArgs, maxArgs, build: (args) => (record) => apply(args.map((arg) => arg(record)), record) };
}

const FUNCTIONS: Readonly<Record<string, FunctionDefinition>> = {
  AND: strict(1, Infinity, (values) => values.every(isTruthy)),
  OR: strict(1, Infinity, (values) => values.some(isTruthy)),
  XOR: strict(1, Infinity, (values) => values.filter(isTruthy).length % 2 === 1),
  NOT: strict(1, 1, ([value]) => !isTruthy(value)),
  IF: {
    minArgs: 2,
    maxArgs: 3,
    build: ([condition, whenTrue, whenFalse = () => null]) =>
      (record) => (isTruthy(condition(record)) ? whenTrue(record) : whenFalse(record)),
  },
  TRUE: strict(0, 0, () => true),
  FALSE: strict(0, 0, () => false),
  BLANK: strict(0, 0, () => null),
  RECORD_ID: strict(0, 0, (_values, record) => record.id),
  FIND: strict(2, 3, ([needle, haystack, start = 1]) => find(toText(needle), toText(haystack), toPosition(start))),
  SEARCH: strict(2, 3, ([needle, haystack, start = 1]) =>
    find(toText(needle).toLowerCase(), toText(haystack).toLowerCase(), toPosition(start)),
  ),
  LOWER: strict(1, 1, ([text]) => toText(text).toLowerCase()),
  UPPER: strict(1, 1, ([text]) => toText(text).toUpperCase()),
  LEN: strict(1, 1, ([text]) => characters(text).length),
  TRIM: strict(1, 1, ([text]) => toText(text).trim()),
  LEFT: strict(2, 2, ([text, count]) => characters(text).slice(0, toCount(count)).join('')),
  RIGHT: strict(2, 2, ([text, count]) => {
    const chars = characters(text);
    return chars.slice(Math.max(0, chars.length - toCount(count))).join('');
  }),
  MID: strict(3, 3, ([text, start, count]) => {
    const from = toPosition(start) - 1;
    return characters(text).slice(from, from + toCount(count)).join('');
  }),
  CONCATENATE: strict(1, Infinity, (values) => values.map(toText).join('')),
  VALUE: strict(1, 1, ([value]) => toNumber(value)),
  IS_BEFORE: strict(2, 2, ([a, b]) => toTime(a) < toTime(b)),
  IS_AFTER: strict(2, 2, ([a, b]) => toTime(a) > toTime(b)),
  DATETIME_PARSE: strict(1, 2, ([text]) => new Date(toTime(text))),
};

function describeArity({ minArgs, maxArgs }: FunctionDefinition): string {
  if (maxArgs === Infinity) return `at least ${minArgs} argument${minArgs === 1 ? '' : 's'}`;
  if (minArgs === maxArgs) return `${minArgs} argument${minArgs === 1 ? '' : 's'}`;
  return `${minArgs} to ${maxArgs} arguments`;
}

function compileCall(name: string, args: Evaluate[]): Evaluate {
  const definition = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!definition) throw new FormulaError(`Unknown function ${name}()`);
  if (args.length < definition.minArgs || args.length > definition.maxArgs) {
    throw new FormulaError(`${name}() takes ${describeArity(definition)}, not ${args.length}`);
  }
  return definition.build(args);
}

function compileNode(node: FormulaNode, fieldNames: ReadonlySet<string>): Evaluate {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'field': {
      const name = node.name;
      if (!fieldNames.has(name)) throw new FormulaError(`Unknown field name: {${name}}`);
      return (record) => cellValue(Object.hasOwn(record.fields, name) ? record.fields[name] : undefined);
    }
    case 'negate': {
      const operand = compileNode(node.operand, fieldNames);
      return (record) => -toNumber(operand(record));
    }
    case 'chain': {
      const first = compileNode(node.first, fieldNames);
      const steps = node.rest.map(({ operator, operand }) => ({
        apply: OPERATORS[operator],
        operand: compileNode(operand, fieldNames),
      }));
      return (record) => steps.reduce((value, step) => step.apply(value, step.operand(record)), first(record));
    }
    case 'call':
      return compileCall(node.name, node.args.map((arg) => compileNode(arg, fieldNames)));
  }
}

/** Parses once; throws FormulaError. `fieldNames` are the table's field names (a reference to any other name is an error, as in Airtable). */
export function compileFormula(source: string, fieldNames: ReadonlySet<string>): Formula {
  const evaluate = compileNode(parseFormula(source), fieldNames);
  return (record) => {
    try {
      return evaluate(record);
    } catch (error) {
      if (error instanceof FormulaErrorValue) return error;
      throw error;
    }
  };
}

/** Airtable keeps a record when the formula's value is truthy: not 0, not '', not false, not blank, not an error. */
export function isTruthy(value: unknown): boolean {
  return !(value instanceof FormulaErrorValue) && Boolean(value);
}
