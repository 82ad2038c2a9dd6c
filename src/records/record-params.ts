import { createParamDecorator, type ExecutionContext, Injectable, type PipeTransform } from '@nestjs/common';
import { RECORD_ID_PATTERN, TABLE_ID_PATTERN } from '../airtable/airtable-models';
import { AppError, ErrorCode } from '../common/app-error';
import type { HttpRequest } from '../common/http-exchange';
import { BaseIdPipe } from '../bases/base-id.pipe';

const MAX_TABLE_NAME_LENGTH = 255;

/** A table id (`tbl` + 14) or a table name: any text without control characters, encoded into the URL later. */
@Injectable()
export class TablePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    // eslint-disable-next-line no-control-regex
    if (value.length === 0 || value.length > MAX_TABLE_NAME_LENGTH || /[\x00-\x1f\x7f]/.test(value) || value.trim() !== value) {
      throw new AppError(ErrorCode.InvalidTable);
    }
    return value;
  }
}

/** Pages link tables by id only. */
@Injectable()
export class TableIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TABLE_ID_PATTERN.test(value)) throw new AppError(ErrorCode.InvalidTable);
    return value;
  }
}

@Injectable()
export class RecordIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!RECORD_ID_PATTERN.test(value)) throw new AppError(ErrorCode.InvalidRecordId);
    return value;
  }
}

/** Which base and table a records request is for, both checked: `/bases/:baseId/tables/:table/records`. */
export interface TableRef {
  baseId: string;
  table: string;
}

export const TargetTable = createParamDecorator((_data: unknown, context: ExecutionContext): TableRef => {
  const { params } = context.switchToHttp().getRequest<HttpRequest & { params: Record<string, string> }>();
  return { baseId: new BaseIdPipe().transform(params.baseId), table: new TablePipe().transform(params.table) };
});

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The `Idempotency-Key` header: absent, or 1 to 255 visible ASCII characters (a UUID is the usual
 * choice). A header sent twice arrives joined with ", " and is refused.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<HttpRequest>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
    throw new AppError(ErrorCode.InvalidRequest, { message: 'Idempotency-Key must be 1 to 255 visible ASCII characters.' });
  }
  return value;
});
