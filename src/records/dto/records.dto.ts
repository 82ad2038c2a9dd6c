import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AirtableRecord } from '../../airtable/airtable-models';

const FIELDS = { type: 'object', additionalProperties: true, example: { Name: 'Ada Lovelace', Score: 42 } } as const;

export class RecordDto implements AirtableRecord {
  @ApiProperty({ example: 'recA1b2C3d4E5f6G7' })
  id!: string;

  @ApiProperty({ example: '2026-01-15T09:30:00.000Z' })
  createdTime!: string;

  @ApiProperty({ ...FIELDS, description: 'By field name, or by field id with returnFieldsByFieldId. Empty fields are left out.' })
  fields!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'With recordMetadata[]=commentCount.' })
  commentCount?: number;
}

export class RecordPageDto {
  @ApiProperty({ type: [RecordDto] })
  records!: RecordDto[];

  @ApiPropertyOptional({ description: "Airtable's cursor for the next page; absent on the last page. Offsets expire." })
  offset?: string;
}

class SortDto {
  @ApiProperty({ example: 'Name' })
  field!: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  direction?: 'asc' | 'desc';
}

export class ListRecordsBodyDto {
  @ApiPropertyOptional({ type: [String] })
  fields?: string[];

  @ApiPropertyOptional({ example: "AND({Active}, {Score} > 50)" })
  filterByFormula?: string;

  @ApiPropertyOptional({ minimum: 1 })
  maxRecords?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100 })
  pageSize?: number;

  @ApiPropertyOptional({ type: [SortDto] })
  sort?: SortDto[];

  @ApiPropertyOptional({ description: 'A view name or id: its filter and order apply.' })
  view?: string;

  @ApiPropertyOptional({ enum: ['json', 'string'] })
  cellFormat?: 'json' | 'string';

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'Required with cellFormat=string.' })
  timeZone?: string;

  @ApiPropertyOptional({ example: 'fr', description: 'Required with cellFormat=string.' })
  userLocale?: string;

  @ApiPropertyOptional()
  returnFieldsByFieldId?: boolean;

  @ApiPropertyOptional({ enum: ['commentCount'], isArray: true })
  recordMetadata?: Array<'commentCount'>;

  @ApiPropertyOptional()
  offset?: string;
}

class RecordInputDto {
  @ApiPropertyOptional({ example: 'recA1b2C3d4E5f6G7', description: 'Required to update or replace, except in an upsert.' })
  id?: string;

  @ApiProperty(FIELDS)
  fields!: Record<string, unknown>;
}

class UpsertDto {
  @ApiProperty({ type: [String], example: ['Email'], description: '1 to 3 fields that identify a record.' })
  fieldsToMergeOn!: string[];
}

export class WriteRecordsBodyDto {
  @ApiProperty({ type: [RecordInputDto], description: 'Any number up to RECORDS_MAX_PER_WRITE; sent to Airtable 10 at a time, in order.' })
  records!: RecordInputDto[];

  @ApiPropertyOptional({ description: 'Let Airtable convert values (e.g. create a select option).' })
  typecast?: boolean;

  @ApiPropertyOptional()
  returnFieldsByFieldId?: boolean;

  @ApiPropertyOptional({ type: UpsertDto, description: 'PATCH and PUT only.' })
  performUpsert?: UpsertDto;
}

export class WriteResultDto {
  @ApiProperty({ type: [RecordDto] })
  records!: RecordDto[];

  @ApiPropertyOptional({ type: [String], description: 'Upserts: the records created.' })
  createdRecords?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Upserts: the records updated.' })
  updatedRecords?: string[];
}

export class DeleteRecordsBodyDto {
  @ApiProperty({ type: [String], example: ['recA1b2C3d4E5f6G7'] })
  records!: string[];
}

class DeletedRecordDto {
  @ApiProperty({ example: 'recA1b2C3d4E5f6G7' })
  id!: string;

  @ApiProperty({ example: true })
  deleted!: boolean;
}

export class DeleteResultDto {
  @ApiProperty({ type: [DeletedRecordDto] })
  records!: DeletedRecordDto[];
}
