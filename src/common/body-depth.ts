import { AppError, ErrorCode } from './app-error';

/**
 * The deepest a body may nest objects and arrays, the same as Express's form parser allows. Airtable's
 * own bodies (records with attachments, webhook specifications) need fewer than ten levels.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * The error for a parsed body nested deeper than MAX_BODY_DEPTH anywhere inside, refused before any
 * handler runs: a handler's recursive walk (a fingerprint, a validator, JSON.stringify) would overflow
 * the stack on it. The body is walked with a list of pending nodes, not recursion, for the same reason.
 */
export function bodyDepthError(body: unknown): AppError | undefined {
  const pending: Array<[object, number]> = isNode(body) ? [[body, 1]] : [];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (depth > MAX_BODY_DEPTH) {
      return new AppError(ErrorCode.InvalidRequest, { message: `The body is nested more than ${MAX_BODY_DEPTH} levels deep.` });
    }
    for (const child of Object.values(node)) if (isNode(child)) pending.push([child, depth + 1]);
  }
  return undefined;
}

function isNode(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
