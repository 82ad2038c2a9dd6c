import { Injectable } from '@nestjs/common';
import { AirtableRecordsClient } from '../airtable/airtable-records.client';
import type { AirtableRecord, ListParams, RecordPage } from '../airtable/airtable-models';
import { AppError, ErrorCode } from '../common/app-error';
import { ERRORS } from '../common/error-codes';
import type { StoredConnection } from '../connections/connection.store';
import { TokenService } from '../connections/token.service';
import { READ_SCOPE, requireScope } from './record-scope';

/** Airtable's largest page: an export asks for it to need as few of the base's turns as it can. */
const EXPORT_PAGE_SIZE = 100;

/** Reading records: one page as Airtable gives it, one record, or every record as a stream. */
@Injectable()
export class RecordsService {
  constructor(
    private readonly client: AirtableRecordsClient,
    private readonly tokens: TokenService,
  ) {}

  page(stored: StoredConnection, baseId: string, table: string, params: ListParams, signal?: AbortSignal): Promise<RecordPage> {
    requireScope(stored, READ_SCOPE);
    return this.tokens.withAccessToken(stored, (token) => this.client.listRecords(token, baseId, table, params, signal));
  }

  get(stored: StoredConnection, baseId: string, table: string, recordId: string, returnFieldsByFieldId: boolean): Promise<AirtableRecord> {
    requireScope(stored, READ_SCOPE);
    return this.tokens.withAccessToken(stored, (token) => this.client.getRecord(token, baseId, table, recordId, returnFieldsByFieldId));
  }

  /**
   * Every record the parameters select, as NDJSON text, one page at a time. The first page is read
   * before this returns, so a bad request still gets its error status; a failure after that ends the
   * stream with an `{"error":{...}}` line. Nothing is fetched ahead of the reader (the stream pulls
   * one page when it has sent the last), and `signal` (the client went away) stops the fetching.
   */
  async export(stored: StoredConnection, baseId: string, table: string, params: ListParams, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const request = { ...params, pageSize: EXPORT_PAGE_SIZE };
    const first = await this.page(stored, baseId, table, request, signal);
    const next = (offset: string) => this.page(stored, baseId, table, { ...request, offset }, signal);
    return ndjsonPages(first, next, signal);
  }
}

async function* ndjsonPages(first: RecordPage, next: (offset: string) => Promise<RecordPage>, signal: AbortSignal): AsyncGenerator<string> {
  let page = first;
  for (;;) {
    if (page.records.length > 0) yield page.records.map((record) => `${JSON.stringify(record)}\n`).join('');
    if (page.offset === undefined || signal.aborted) return;
    try {
      page = await next(page.offset);
    } catch (error) {
      if (!signal.aborted) yield `${JSON.stringify({ error: errorLine(error) })}\n`;
      return;
    }
  }
}

function errorLine(error: unknown): { code: ErrorCode; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: ErrorCode.Internal, message: ERRORS[ErrorCode.Internal].message };
}
