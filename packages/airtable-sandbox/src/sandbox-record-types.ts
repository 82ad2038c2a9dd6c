import type { SandboxCollaborator } from './sandbox-data';

/** A non-empty cell in Airtable's JSON cell format (an empty cell is no key at all). */
export type CellValue = string | number | boolean | string[] | SandboxCollaborator;

/** A record as stored: fields keyed by field name, as Airtable's formulas and default answers see them. */
export interface SandboxRecord {
  readonly id: string;
  readonly createdTime: string;
  readonly fields: Readonly<Record<string, CellValue>>;
}
