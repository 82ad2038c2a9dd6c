import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { apiError, invalidResponse } from './airtable-errors';
import { type AirtableBase, type AirtableTable, type AirtableUser, BASE_ID_PATTERN } from './airtable-models';
import { BasePacer } from './base-pacer';
import { upstreamFetch } from './upstream-fetch';

/** A guard against an upstream that never stops handing out offsets. */
const MAX_BASE_PAGES = 100;

type JsonObject = Record<string, unknown>;

/** Airtable's Web API. The bearer token only ever travels in the Authorization header. */
@Injectable()
export class AirtableApiClient {
  constructor(
    @Inject(airtableConfig.KEY) private readonly config: AirtableConfig,
    private readonly pacer: BasePacer,
  ) {}

  async whoami(accessToken: string): Promise<AirtableUser> {
    const { id, email, scopes } = await this.get(accessToken, ['meta', 'whoami']);
    if (typeof id !== 'string' || !isStringArray(scopes)) throw invalidResponse();
    return { id, scopes, ...(typeof email === 'string' ? { email } : {}) };
  }

  /** Every base the token can see, all pages followed and merged. */
  async listBases(accessToken: string): Promise<AirtableBase[]> {
    const bases: AirtableBase[] = [];
    let offset: string | undefined;
    for (let page = 0; page < MAX_BASE_PAGES; page++) {
      const body = await this.get(accessToken, ['meta', 'bases'], offset === undefined ? {} : { offset });
      if (!Array.isArray(body.bases) || !body.bases.every(isBase)) throw invalidResponse();
      bases.push(...body.bases);
      if (body.offset === undefined) return bases;
      if (typeof body.offset !== 'string') throw invalidResponse();
      offset = body.offset;
    }
    throw invalidResponse();
  }

  async baseTables(accessToken: string, baseId: string, includeVisibleFieldIds: boolean): Promise<AirtableTable[]> {
    // Checked by the caller too; here it guards the URL itself against traversal.
    if (!BASE_ID_PATTERN.test(baseId)) throw new AppError(ErrorCode.InvalidBaseId);
    await this.pacer.acquire(baseId);
    const query: Record<string, string> = includeVisibleFieldIds ? { include: 'visibleFieldIds' } : {};
    try {
      const body = await this.get(accessToken, ['meta', 'bases', baseId, 'tables'], query);
      if (!Array.isArray(body.tables) || !body.tables.every(isTable)) throw invalidResponse();
      return body.tables;
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.RateLimited) await this.pacer.lockOut(baseId);
      throw error;
    }
  }

  private async get(accessToken: string, segments: string[], query: Record<string, string> = {}): Promise<JsonObject> {
    const url = new URL(`/v0/${segments.map(encodeURIComponent).join('/')}`, this.config.apiUrl);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const response = await upstreamFetch(
      url,
      { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
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

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBase(value: unknown): value is AirtableBase {
  return isObject(value) && typeof value.id === 'string' && typeof value.name === 'string' && typeof value.permissionLevel === 'string';
}

function isTable(value: unknown): value is AirtableTable {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.name === 'string' &&
    Array.isArray(value.fields) &&
    value.fields.every((f) => isObject(f) && typeof f.id === 'string' && typeof f.name === 'string') &&
    Array.isArray(value.views) &&
    value.views.every((v) => isObject(v) && typeof v.id === 'string' && typeof v.name === 'string')
  );
}
