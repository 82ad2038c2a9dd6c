import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { ErrorResponseDto } from '../common/error-response.dto';
import { HttpExchange, type HttpRequest, type HttpResponse } from '../common/http-exchange';
import { NoStore } from '../common/no-store.decorator';
import { strictQuery } from '../common/strict-query';
import { AppError, ErrorCode } from '../common/app-error';
import { recordsConfig, type RecordsConfig } from '../config/records.config';
import type { StoredConnection } from '../connections/connection.store';
import { ConnectionGuard } from '../access/connection.guard';
import { RequiresScope } from '../api-keys/api-key.guard';
import { CurrentConnection } from '../sessions/session.guard';
import type { AirtableRecord, RecordPage } from '../airtable/airtable-models';
import {
  DeleteRecordsBodyDto,
  DeleteResultDto,
  ListRecordsBodyDto,
  RecordDto,
  RecordPageDto,
  WriteRecordsBodyDto,
  WriteResultDto,
} from './dto/records.dto';
import { listParamsFromBody, listParamsFromQuery } from './list-params';
import { IdempotencyKey, RecordIdPipe, type TableRef, TargetTable } from './record-params';
import { RecordWriterService } from './record-writer.service';
import { RecordsService } from './records.service';
import { deleteRequest, writeRequest } from './write-request';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'The same key with the same body answers the first answer again and writes nothing (kept 24 h); with another body it is refused.',
};

@ApiTags('records')
@ApiCookieAuth('sid')
@ApiBearerAuth()
@ApiParam({ name: 'baseId', example: 'appSandboxCRM0001' })
@ApiParam({ name: 'table', description: 'A table id (tbl...) or its name.' })
@ApiResponse({ status: 400, type: ErrorResponseDto, description: 'invalid_request, invalid_base_id, invalid_table, invalid_record_id' })
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'unauthenticated (session), invalid_api_key (API key) or reauth_required' })
@ApiResponse({ status: 403, type: ErrorResponseDto, description: 'insufficient_scope or base_not_accessible' })
@ApiResponse({ status: 404, type: ErrorResponseDto, description: 'table_not_found or not_found' })
@ApiResponse({ status: 422, type: ErrorResponseDto, description: "upstream_rejected (with Airtable's error type in airtableError) or offset_expired" })
@ApiResponse({ status: 429, type: ErrorResponseDto, description: 'rate_limited, with Retry-After' })
@Controller(['bases/:baseId/tables/:table/records', 'api/connections/:connectionId/bases/:baseId/tables/:table/records'])
@UseGuards(ConnectionGuard)
export class RecordsController {
  constructor(
    private readonly records: RecordsService,
    private readonly writer: RecordWriterService,
    private readonly http: HttpExchange,
    @Inject(recordsConfig.KEY) private readonly config: RecordsConfig,
  ) {}

  @Get()
  @NoStore()
  @ApiOperation({
    summary: 'One page of records, in Airtable\'s model',
    description: 'Airtable\'s list parameters: fields[], filterByFormula, maxRecords, pageSize, sort[N][field], sort[N][direction], view, cellFormat, timeZone, userLocale, returnFieldsByFieldId, recordMetadata[], offset.',
  })
  @ApiOkResponse({ type: RecordPageDto })
  list(
    @CurrentConnection() connection: StoredConnection,
    @TargetTable() { baseId, table }: TableRef,
    @Req() req: HttpRequest,
  ): Promise<RecordPage> {
    return this.records.page(connection, baseId, table, listParamsFromQuery(this.http.rawQuery(req)));
  }

  @Post('query')
  @HttpCode(200)
  @NoStore()
  @ApiOperation({ summary: 'One page of records, the parameters in a JSON body (for long formulas)' })
  @ApiBody({ type: ListRecordsBodyDto })
  @ApiOkResponse({ type: RecordPageDto })
  query(
    @CurrentConnection() connection: StoredConnection,
    @TargetTable() { baseId, table }: TableRef,
    @Body() body: unknown,
  ): Promise<RecordPage> {
    return this.records.page(connection, baseId, table, listParamsFromBody(body));
  }

  @Get('export')
  @NoStore()
  @ApiOperation({
    summary: 'Every record, streamed as NDJSON while Airtable\'s pages arrive',
    description: 'The list parameters but pageSize and offset. A failure after the first page ends the stream with an {"error":{...}} line.',
  })
  @ApiProduces('application/x-ndjson')
  async export(
    @CurrentConnection() connection: StoredConnection,
    @TargetTable() { baseId, table }: TableRef,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StreamableFile> {
    const params = listParamsFromQuery(this.http.rawQuery(req), { paging: false });
    const closed = this.http.closed(res);
    const stream = Readable.from(await this.records.export(connection, baseId, table, params, closed), { objectMode: false });
    closed.addEventListener('abort', () => stream.destroy(), { once: true });
    return new StreamableFile(stream, { type: 'application/x-ndjson' });
  }

  @Get(':recordId')
  @NoStore()
  @ApiOperation({ summary: 'One record' })
  @ApiOkResponse({ type: RecordDto })
  get(
    @CurrentConnection() connection: StoredConnection,
    @TargetTable() { baseId, table }: TableRef,
    @Param('recordId', RecordIdPipe) recordId: string,
    @Req() req: HttpRequest,
  ): Promise<AirtableRecord> {
    const raw = this.http.rawQuery(req);
    const { returnFieldsByFieldId } = strictQuery(raw, ['returnFieldsByFieldId']);
    if (new URLSearchParams(raw).size > (returnFieldsByFieldId === undefined ? 0 : 1) || !['true', 'false', undefined].includes(returnFieldsByFieldId)) {
      throw new AppError(ErrorCode.InvalidRequest, { message: 'A record takes only returnFieldsByFieldId=true or false.' });
    }
    return this.records.get(connection, baseId, table, recordId, returnFieldsByFieldId === 'true');
  }

  @Post()
  @HttpCode(200)
  @RequiresScope('data:write')
  @ApiOperation({ summary: 'Create any number of records (sent 10 at a time, in order)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: WriteRecordsBodyDto })
  @ApiOkResponse({ type: WriteResultDto })
  create(
    @CurrentConnection() connection: StoredConnection,
    @TargetTable() target: TableRef,
    @Body() body: unknown,
    @IdempotencyKey() key?: string,
  ): Promise<Record<string, unknown>> {
    return this.writer.write(connection, target, writeRequest('POST', body, this.config.maxPerWrite), key);
  }

  @Patch()
  @RequiresScope('data:write')
  @ApiOperation({ summary: 'Update records: only the fields sent change (performUpsert to upsert)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: WriteRecordsBodyDto })
  @ApiOkResponse({ type: WriteResultDto })
  update(
    @CurrentConnection() connection: StoredConnection,
    @TargetTable() target: TableRef,
    @Body() body: unknown,
    @IdempotencyKey() key?: string,
  ): Promise<Record<string, unknown>> {
    return this.writer.write(connection, target, writeRequest('PATCH', body, this.config.maxPerWrite), key);
  }

  @Put()
  @RequiresScope('data:write')
  @ApiOperation({ summary: 'Replace records: fields not sent are cleared (performUpsert to upsert)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: WriteRecordsBodyDto })
  @ApiOkResponse({ type: WriteResultDto })
  replace(
    @CurrentConnection() connection: StoredConnection,
    @TargetTable() target: TableRef,
    @Body() body: unknown,
    @IdempotencyKey() key?: string,
  ): Promise<Record<string, unknown>> {
    return this.writer.write(connection, target, writeRequest('PUT', body, this.config.maxPerWrite), key);
  }

  @Delete()
  @RequiresScope('data:write')
  @ApiOperation({ summary: 'Delete records named by records[]= in the query or {records: [...]} in the body' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: DeleteRecordsBodyDto, required: false })
  @ApiOkResponse({ type: DeleteResultDto })
  delete(
    @CurrentConnection() connection: StoredConnection,
    @TargetTable() target: TableRef,
    @Req() req: HttpRequest,
    @Body() body: unknown,
    @IdempotencyKey() key?: string,
  ): Promise<Record<string, unknown>> {
    return this.writer.delete(connection, target, deleteRequest(this.http.rawQuery(req), body, this.config.maxPerWrite), key);
  }
}
