import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;

/**
 * Gives the request its id (a well-formed incoming X-Request-Id, else a new UUID), echoes it in the
 * response, and leaves it on the raw request, where the request logger picks it up.
 */
export function assignRequestId(req: IncomingMessage & { id?: unknown }, res: ServerResponse): void {
  const incoming = req.headers['x-request-id'];
  req.id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', req.id as string);
}
