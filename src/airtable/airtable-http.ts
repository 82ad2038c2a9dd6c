import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { apiError, invalidResponse } from './airtable-errors';
import { BasePacer } from './base-pacer';
import { upstreamFetch } from './upstream-fetch';
import { Metrics } from '../metrics/metrics';

export type JsonObject = Record<string, unknown>;

export interface AirtableCall {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path segments after `/v0/`, each encoded here (a table name may hold any character). */
  path: string[];
  query?: URLSearchParams;
  json?: unknown;
  /** Set for every call that counts against a base's limit: it waits for the base's turn first. */
  baseId?: string;
  /** Stops the call when the caller no longer wants the answer (a client that went away). */
  signal?: AbortSignal;
}

/**
 * The one place that builds Web API URLs, sends the bearer token, paces calls per base and maps
 * Airtable's failures. The token only ever travels in the Authorization header.
 */
@Injectable()
export class AirtableHttp {
  constructor(
    @Inject(airtableConfig.KEY) private readonly config: AirtableConfig,
    private readonly pacer: BasePacer,
    private readonly metrics: Metrics,
  ) {}

  url(path: string[], query?: URLSearchParams): URL {
    const url = new URL(`/v0/${path.map(encodeURIComponent).join('/')}`, this.config.apiUrl);
    if (query) url.search = query.toString();
    return url;
  }

  async call(accessToken: string, call: AirtableCall): Promise<JsonObject> {
    if (call.baseId === undefined) return this.send(accessToken, call);
    await this.waitForTurn(call.baseId);
    try {
      return await this.send(accessToken, call);
    } catch (error) {
      // Airtable locks the base for 30 s after a 429; every instance stops calling it meanwhile.
      if (error instanceof AppError && error.code === ErrorCode.RateLimited) {
        this.metrics.rateLimited.inc({ base: call.baseId });
        await this.pacer.lockOut(call.baseId);
      }
      throw error;
    }
  }

  private async waitForTurn(baseId: string): Promise<void> {
    const started = performance.now();
    try {
      await this.pacer.acquire(baseId);
    } catch (error) {
      this.metrics.pacerRefused.inc({ base: baseId });
      throw error;
    }
    this.metrics.pacerWait.observe((performance.now() - started) / 1000);
  }

  private async send(accessToken: string, call: AirtableCall): Promise<JsonObject> {
    const endpoint = endpointOf(call);
    const stopTimer = this.metrics.airtableDuration.startTimer({ endpoint });
    try {
      const { status, body } = await this.exchange(accessToken, call);
      this.metrics.airtableRequests.inc({ endpoint, status });
      if (status !== 200) throw apiError(status, body);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidResponse();
      return body as JsonObject;
    } catch (error) {
      if (error instanceof AppError && (error.code === ErrorCode.UpstreamTimeout || error.code === ErrorCode.UpstreamUnavailable)) {
        this.metrics.airtableRequests.inc({ endpoint, status: error.code });
      }
      throw error;
    } finally {
      stopTimer();
    }
  }

  private async exchange(accessToken: string, { method = 'GET', path, query, json, signal }: AirtableCall): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
    if (json !== undefined) headers['content-type'] = 'application/json';
    const response = await upstreamFetch(
      this.url(path, query),
      { method, headers, body: json === undefined ? undefined : JSON.stringify(json), signal },
      this.config,
    );
    let body: unknown;
    try {
      // Some answers (a deleted webhook) may come with no body at all: that is an empty object.
      const text = await response.text();
      body = text === '' && response.status === 200 ? {} : JSON.parse(text);
    } catch {
      if (response.status === 200) throw invalidResponse();
    }
    return { status: response.status, body };
  }
}

/** A bounded label for a call: the route's shape, never an id. */
function endpointOf({ method = 'GET', path }: AirtableCall): string {
  if (path[0] === 'meta') return path.length === 4 ? 'meta/bases/tables' : `meta/${path[1]}`;
  if (path[0] === 'bases') return `${method} webhooks${path.length === 5 ? `/${path[4]}` : path.length === 4 ? '/one' : ''}`;
  if (path[2] === 'listRecords') return 'records/listRecords';
  return `${method} records${path.length === 3 ? '/one' : ''}`;
}
