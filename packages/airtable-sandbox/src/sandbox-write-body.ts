import { invalidRequest, unprocessable } from './sandbox-api-error';

/** Airtable writes at most this many records per request. */
export const MAX_WRITE_RECORDS = 10;

export type Body = Record<string, unknown>;

export interface WriteOptions {
  typecast: boolean;
  returnFieldsByFieldId: boolean;
}

/** The shape of write bodies: a JSON object, known keys only, records as a list of 1 to 10 objects. */
export function plainObject(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('The body must be a JSON object.');
  return body as Body;
}

/** `typecast` and `returnFieldsByFieldId`, next to the other keys a write takes. */
export function writeOptions(body: Body, keys: string[]): WriteOptions {
  const allowed = [...keys, 'typecast', 'returnFieldsByFieldId'];
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw invalidRequest(`Unknown parameter: ${unknown}`);
  const { typecast = false, returnFieldsByFieldId = false } = body;
  if (typeof typecast !== 'boolean' || typeof returnFieldsByFieldId !== 'boolean') throw invalidRequest('typecast and returnFieldsByFieldId are booleans.');
  return { typecast, returnFieldsByFieldId };
}

export function recordList(value: unknown): unknown[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_WRITE_RECORDS) {
    throw unprocessable('INVALID_RECORDS', `records must be a list of 1 to ${MAX_WRITE_RECORDS} records.`);
  }
  return value;
}

export function recordEntry(input: unknown, allowed: string[]): Body {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || Object.keys(input).some((key) => !allowed.includes(key))) {
    throw unprocessable('INVALID_RECORDS', `Each record is an object with only ${allowed.join(' and ')}.`);
  }
  return input as Body;
}
