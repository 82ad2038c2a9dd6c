import { seededRandom, seedOf } from './sandbox-random';

/** A seed file that does not fit its format; the message starts with the path of the bad element. */
export class SeedError extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'SeedError';
  }
}

export type Json = Record<string, unknown>;

/** `value` as an object with only `allowed` keys (any, when unset), or a SeedError at `path`. */
export function seedObject(value: unknown, path: string, allowed?: readonly string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SeedError(path, 'must be an object');
  if (!allowed) return value as Json;
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new SeedError(`${path}.${unknown}`, `is not a known key (known: ${allowed.join(', ')})`);
  return value as Json;
}

export function seedArray(value: unknown, path: string, nonEmpty = false): unknown[] {
  if (!Array.isArray(value)) throw new SeedError(path, 'must be an array');
  if (nonEmpty && value.length === 0) throw new SeedError(path, 'must not be empty');
  return value;
}

export function seedText(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new SeedError(path, 'must be a non-empty string');
  return value;
}

export function optionalText(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : seedText(value, path);
}

/**
 * Airtable's id shape, `prefix` and 14 alphanumerics: the one given (checked, and unique in the seed), or one
 * derived from `key`, so that the same seed gives the same ids on every start.
 */
export function seedId(given: unknown, prefix: string, key: string, path: string, taken: Set<string>): string {
  let id: string;
  if (given === undefined) {
    const random = seededRandom(seedOf(key));
    do id = prefix + random.alphanumerics(14);
    while (taken.has(id));
  } else {
    id = seedText(given, path);
    if (!new RegExp(`^${prefix}[A-Za-z0-9]{14}$`).test(id)) throw new SeedError(path, `"${id}" is not an id of the form ${prefix} and 14 letters or digits`);
    if (taken.has(id)) throw new SeedError(path, `"${id}" is used twice`);
  }
  taken.add(id);
  return id;
}

/** Names that must be unique in their list, ignoring case as Airtable does for fields. */
export function uniqueName(name: string, path: string, seen: Set<string>): void {
  const key = name.toLowerCase();
  if (seen.has(key)) throw new SeedError(path, `the name "${name}" is used twice`);
  seen.add(key);
}
