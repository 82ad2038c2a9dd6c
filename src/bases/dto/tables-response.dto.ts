import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AirtableField, AirtableTable, AirtableView } from '../../airtable/airtable-models';

export class FieldDto implements AirtableField {
  @ApiProperty({ example: 'fldContacts0001' })
  id!: string;

  @ApiProperty({ example: 'singleLineText' })
  type!: string;

  @ApiProperty({ example: 'Name' })
  name!: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  options?: Record<string, unknown>;
}

export class ViewDto implements AirtableView {
  @ApiProperty({ example: 'viwContacts0002' })
  id!: string;

  @ApiProperty({ enum: ['grid', 'form', 'calendar', 'gallery', 'kanban', 'timeline', 'block'] })
  type!: string;

  @ApiProperty({ example: 'All contacts' })
  name!: string;

  @ApiPropertyOptional({ type: [String], description: 'Only with ?include=visibleFieldIds.' })
  visibleFieldIds?: string[];
}

export class TableDto implements AirtableTable {
  @ApiProperty({ example: 'tblContacts0003' })
  id!: string;

  @ApiProperty({ example: 'Contacts' })
  name!: string;

  @ApiProperty({ example: 'fldContacts0001' })
  primaryFieldId!: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiProperty({ type: [FieldDto] })
  fields!: FieldDto[];

  @ApiProperty({ type: [ViewDto] })
  views!: ViewDto[];
}

export class TablesResponseDto {
  @ApiProperty({ type: [TableDto] })
  tables!: TableDto[];
}
