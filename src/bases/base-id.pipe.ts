import { Injectable, PipeTransform } from '@nestjs/common';
import { BASE_ID_PATTERN } from '../airtable/airtable-models';
import { AppError, ErrorCode } from '../common/app-error';

/** Only a well-formed base id may reach an Airtable URL (`app..%2F..%2Fmeta` never does). */
@Injectable()
export class BaseIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!BASE_ID_PATTERN.test(value)) throw new AppError(ErrorCode.InvalidBaseId);
    return value;
  }
}
