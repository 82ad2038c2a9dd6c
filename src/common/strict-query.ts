import { AppError, ErrorCode } from './app-error';

/**
 * Reads the named parameters from a raw query string, each at most once. A repeated parameter, or a
 * bracketed variant (`state[]=`, `state[x]=`) that frameworks turn into arrays and objects, is
 * invalid_request. Other parameters are ignored: servers may add new ones.
 */
export function strictQuery<K extends string>(raw: string, names: readonly K[]): Partial<Record<K, string>> {
  const wanted = new Set<string>(names);
  const result: Partial<Record<K, string>> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const bracket = key.indexOf('[');
    const base = bracket < 0 ? key : key.slice(0, bracket);
    if (!wanted.has(base)) continue;
    if (bracket >= 0 || Object.hasOwn(result, key)) {
      throw new AppError(ErrorCode.InvalidRequest, { message: `The parameter "${base}" must be sent exactly once.` });
    }
    result[key as K] = value;
  }
  return result;
}
