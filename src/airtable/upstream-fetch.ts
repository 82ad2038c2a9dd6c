import { AppError, ErrorCode } from '../common/app-error';

export interface UpstreamLimits {
  timeoutMs: number;
  maxResponseBytes: number;
}

/**
 * Every call to Airtable goes through here: a fixed timeout covering headers and body, redirects
 * never followed, the caller's signal honoured, and the body read up to a cap (of decoded bytes) and buffered. Failures become AppErrors whose
 * messages hold nothing of the upstream response.
 */
export async function upstreamFetch(url: string | URL, init: RequestInit, limits: UpstreamLimits): Promise<Response> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal });
    const body = await readCapped(response, limits.maxResponseBytes);
    return new Response(body.length === 0 ? null : body, { status: response.status, headers: response.headers });
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (timeout.aborted) throw new AppError(ErrorCode.UpstreamTimeout, { cause: error });
    throw new AppError(ErrorCode.UpstreamUnavailable, { cause: error });
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  // A declared length within the cap bounds the body in one read, but only when nothing is decoded:
  // fetch inflates gzip, deflate and br, and Content-Length counts the compressed bytes. Otherwise the
  // decoded bytes are counted as they arrive.
  const encoding = response.headers.get('content-encoding');
  if (response.headers.has('content-length') && (!encoding || encoding === 'identity')) {
    return new Uint8Array(await response.arrayBuffer());
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(): AppError {
  return new AppError(ErrorCode.UpstreamError, { message: 'Airtable sent a response that is too large.' });
}
