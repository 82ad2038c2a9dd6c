import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import { invalidResponse } from './airtable-errors';
import { AirtableHttp, type JsonObject } from './airtable-http';
import { type AirtableBase, type AirtableTable, type AirtableUser, BASE_ID_PATTERN } from './airtable-models';

/** A guard against an upstream that never stops handing out offsets. */
const MAX_BASE_PAGES = 100;

/** Airtable's metadata API: who the user is, their bases, a base's schema. */
@Injectable()
export class AirtableApiClient {
  constructor(private readonly http: AirtableHttp) {}

  async whoami(accessToken: string): Promise<AirtableUser> {
    const { id, email, scopes } = await this.http.call(accessToken, { path: ['meta', 'whoami'] });
    if (typeof id !== 'string' || !isStringArray(scopes)) throw invalidResponse();
    return { id, scopes, ...(typeof email === 'string' ? { email } : {}) };
  }

  /** Every base the token can see, all pages followed and merged. */
  async listBases(accessToken: string): Promise<AirtableBase[]> {
    const bases: AirtableBase[] = [];
    let offset: string | undefined;
    for (let page = 0; page < MAX_BASE_PAGES; page++) {
      const query = offset === undefined ? undefined : new URLSearchParams({ offset });
      const body = await this.http.call(accessToken, { path: ['meta', 'bases'], query });
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
    const query = includeVisibleFieldIds ? new URLSearchParams({ include: 'visibleFieldIds' }) : undefined;
    const body = await this.http.call(accessToken, { path: ['meta', 'bases', baseId, 'tables'], query, baseId });
    if (!Array.isArray(body.tables) || !body.tables.every(isTable)) throw invalidResponse();
    return body.tables;
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
