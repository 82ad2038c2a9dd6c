/**
 * A seed file: the bases, tables, fields and records the sandbox serves instead of its demo data, in
 * Airtable's own schema shape. Ids are optional: missing ones are derived from names (the same file always
 * gives the same ids). The first field of a table is its primary field unless `primaryFieldId` says otherwise.
 */
export interface SandboxSeed {
  bases: SeedBase[];
}

export interface SeedBase {
  id?: string;
  name: string;
  /** Default: `create`, so that every route (webhooks included) can be used. */
  permissionLevel?: 'none' | 'read' | 'comment' | 'edit' | 'create';
  tables: SeedTable[];
}

export interface SeedTable {
  id?: string;
  name: string;
  description?: string;
  /** A field id, or a field name of this table. */
  primaryFieldId?: string;
  fields: SeedField[];
  /** Default: one grid view, `Grid view`. */
  views?: SeedView[];
  records?: SeedRecord[];
}

export interface SeedField {
  id?: string;
  name: string;
  type: string;
  description?: string;
  /**
   * Airtable's field options. Select choices may leave out `id` and `color`; `linkedTableId` may name a
   * table of the same base instead of giving its id.
   */
  options?: Record<string, unknown>;
}

export interface SeedView {
  id?: string;
  name: string;
  /** Default: `grid`. */
  type?: 'grid' | 'form' | 'calendar' | 'gallery' | 'kanban' | 'timeline' | 'block';
}

export interface SeedRecord {
  id?: string;
  /** Default: one minute after the record before it, from 2023-01-01T00:00:00.000Z. */
  createdTime?: string;
  /** Cells by field name (or id), in the format the Web API writes them (no typecast). */
  fields?: Record<string, unknown>;
}
