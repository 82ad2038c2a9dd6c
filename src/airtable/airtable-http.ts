import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { apiError, invalidResponse } from './airtable-errors';
import { BasePacer } from './base-pacer';
import { upstreamFetch } from './upstream-fetch';

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
  ) {}

  url(path: string[], query?: URLSearchParams): URL {
    const url = new URL(`/v0/${path.map(encodeURIComponent).join('/')}`, this.config.apiUrl);
    if (query) url.search = query.toString();
    return url;
  }

  async call(accessToken: string, call: AirtableCall): Promise<JsonObject> {
    if (call.baseId === undefined) return this.send(accessToken, call);
    await this.pacer.acquire(call.baseId);
    try {
      return await this.send(accessToken, call);
    } catch (error) {
      // Airtable locks the base for 30 s after a 429; every instance stops calling it meanwhile.
      if (error instanceof AppError && error.code === ErrorCode.RateLimited) await this.pacer.lockOut(call.baseId);
      throw error;
    }
  }

  private async send(accessToken: string, { method = 'GET', path, query, json, signal }: AirtableCall): Promise<JsonObject> {
    const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
    if (json !== undefined) headers['content-type'] = 'application/json';
    const response = await upstreamFetch(
      this.url(path, query),
      { method, headers, body: json === undefined ? undefined : JSON.stringify(json), signal },
      this.config,
    );
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (response.status === 200) throw invalidResponse();
    }
    if (response.status !== 200) throw apiError(response.status, body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidResponse();
    return body as JsonObject;
  }
}
