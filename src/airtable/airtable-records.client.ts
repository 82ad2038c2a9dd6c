import { Injectable } from '@nestjs/common';
import { invalidResponse } from './airtable-errors';
import { AirtableHttp, type JsonObject } from './airtable-http';
import type { AirtableRecord, DeletedRecord, ListParams, RecordPage, WriteResult } from './airtable-models';

/** Airtable refuses longer URLs; past this, the same parameters go in a POST body. */
export const MAX_URL_LENGTH = 16_000;

export type WriteMethod = 'POST' | 'PATCH' | 'PUT';

/** Airtable's records API. Every call counts against its base's limit, so every call is paced. */
@Injectable()
export class AirtableRecordsClient {
  constructor(private readonly http: AirtableHttp) {}

  async listRecords(accessToken: string, baseId: string, table: string, params: ListParams, signal?: AbortSignal): Promise<RecordPage> {
    const query = listQuery(params);
    const fitsInUrl = this.http.url([baseId, table], query).href.length <= MAX_URL_LENGTH;
    const body = fitsInUrl
      ? await this.http.call(accessToken, { path: [baseId, table], query, baseId, signal })
      : await this.http.call(accessToken, { method: 'POST', path: [baseId, table, 'listRecords'], json: params, baseId, signal });
    if (!isRecordList(body.records) || (body.offset !== undefined && typeof body.offset !== 'string')) throw invalidResponse();
    return { records: body.records, ...(body.offset === undefined ? {} : { offset: body.offset }) };
  }

  async getRecord(accessToken: string, baseId: string, table: string, recordId: string, returnFieldsByFieldId: boolean): Promise<AirtableRecord> {
    const query = returnFieldsByFieldId ? new URLSearchParams({ returnFieldsByFieldId: 'true' }) : undefined;
    const body = await this.http.call(accessToken, { path: [baseId, table, recordId], query, baseId });
    if (!isRecord(body)) throw invalidResponse();
    return body;
  }

  /** One request of at most Airtable's batch size: create (POST), update (PATCH) or replace (PUT). */
  async writeRecords(accessToken: string, baseId: string, table: string, method: WriteMethod, json: JsonObject): Promise<WriteResult> {
    const body = await this.http.call(accessToken, { method, path: [baseId, table], json, baseId });
    const { records, createdRecords, updatedRecords } = body;
    if (!isRecordList(records)) throw invalidResponse();
    if ((createdRecords !== undefined && !isIdList(createdRecords)) || (updatedRecords !== undefined && !isIdList(updatedRecords))) {
      throw invalidResponse();
    }
    return { records, ...(createdRecords ? { createdRecords } : {}), ...(updatedRecords ? { updatedRecords } : {}) };
  }

  async deleteRecords(accessToken: string, baseId: string, table: string, recordIds: string[]): Promise<DeletedRecord[]> {
    const query = new URLSearchParams(recordIds.map((id): [string, string] => ['records[]', id]));
    const body = await this.http.call(accessToken, { method: 'DELETE', path: [baseId, table], query, baseId });
    const records = body.records;
    if (!Array.isArray(records) || !records.every((r) => isObject(r) && typeof r.id === 'string' && r.deleted === true)) {
      throw invalidResponse();
    }
    return records as DeletedRecord[];
  }
}

/** The list parameters in Airtable's query form: `fields[]=` repeated, `sort[0][field]=`, ... */
export function listQuery(params: ListParams): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params) as Array<[keyof ListParams, unknown]>) {
    if (value === undefined) continue;
    if (name === 'fields' || name === 'recordMetadata') {
      for (const item of value as string[]) query.append(`${name}[]`, item);
    } else if (name === 'sort') {
      (value as ListParams['sort'])!.forEach(({ field, direction }, i) => {
        query.append(`sort[${i}][field]`, field);
        query.append(`sort[${i}][direction]`, direction);
      });
    } else {
      query.append(name, String(value));
    }
  }
  return query;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRecord(value: unknown): value is AirtableRecord {
  return isObject(value) && typeof value.id === 'string' && typeof value.createdTime === 'string' && isObject(value.fields);
}

function isRecordList(value: unknown): value is AirtableRecord[] {
  return Array.isArray(value) && value.every(isRecord);
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((id) => typeof id === 'string');
}
