import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** What every adapter's request has (Express and Fastify alike). */
export interface HttpRequest {
  headers: IncomingHttpHeaders;
}

/** Opaque to controllers: only the HTTP adapter touches it. */
export type HttpResponse = object;

/** The raw query through Nest's HTTP adapter, so controllers stay free of Express or Fastify types. */
@Injectable()
export class HttpExchange {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** The query string exactly as sent, before any framework turns repeats into arrays or objects. */
  rawQuery(req: HttpRequest): string {
    const url: string = this.adapterHost.httpAdapter.getRequestUrl(req);
    const mark = url.indexOf('?');
    return mark < 0 ? '' : url.slice(mark + 1);
  }

  /** Aborts when the response's connection closes: the client went away, or the answer is complete. */
  closed(res: HttpResponse): AbortSignal {
    // Fastify wraps Node's response as `raw`; Express's response is Node's own.
    const raw = ('raw' in res ? res.raw : res) as ServerResponse;
    const controller = new AbortController();
    raw.once('close', () => controller.abort());
    return controller.signal;
  }
}
