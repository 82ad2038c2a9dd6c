/** Airtable's own shapes, as its Web API returns them (extra properties pass through untouched). */

export interface AirtableUser {
  id: string;
  email?: string;
  scopes: string[];
}

export interface AirtableBase {
  id: string;
  name: string;
  permissionLevel: 'none' | 'read' | 'comment' | 'edit' | 'create';
}

export interface AirtableField {
  id: string;
  type: string;
  name: string;
  description?: string;
  options?: Record<string, unknown>;
}

export interface AirtableView {
  id: string;
  type: string;
  name: string;
  visibleFieldIds?: string[];
}

export interface AirtableTable {
  id: string;
  name: string;
  primaryFieldId: string;
  description?: string;
  fields: AirtableField[];
  views: AirtableView[];
}

export const BASE_ID_PATTERN = /^app[A-Za-z0-9]{14}$/;

export const RECORD_ID_PATTERN = /^rec[A-Za-z0-9]{14}$/;
export const TABLE_ID_PATTERN = /^tbl[A-Za-z0-9]{14}$/;

export interface AirtableRecord {
  id: string;
  createdTime: string;
  fields: Record<string, unknown>;
  commentCount?: number;
}

export interface RecordPage {
  records: AirtableRecord[];
  offset?: string;
}

export interface SortSpec {
  field: string;
  direction: 'asc' | 'desc';
}

/** Airtable's list parameters, as `POST .../listRecords` takes them in its JSON body. */
export interface ListParams {
  fields?: string[];
  filterByFormula?: string;
  maxRecords?: number;
  pageSize?: number;
  sort?: SortSpec[];
  view?: string;
  cellFormat?: 'json' | 'string';
  timeZone?: string;
  userLocale?: string;
  returnFieldsByFieldId?: boolean;
  recordMetadata?: Array<'commentCount'>;
  offset?: string;
}

/** What a create, update or upsert answers (upserts add the ids they created and updated). */
export interface WriteResult {
  records: AirtableRecord[];
  createdRecords?: string[];
  updatedRecords?: string[];
}

export interface DeletedRecord {
  id: string;
  deleted: boolean;
}
