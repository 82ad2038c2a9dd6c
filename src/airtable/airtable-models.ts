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
