import { CellText, type LinkedText } from './sandbox-cell-text';
import type { SandboxBase, SandboxField, SandboxTable } from './sandbox-data';
import type { CellOptions } from './sandbox-list-query';
import type { SandboxRecordStore } from './sandbox-record-store';
import type { CellValue, SandboxRecord } from './sandbox-record-types';

export interface RecordJson {
  id: string;
  createdTime: string;
  fields: Record<string, CellValue>;
  commentCount?: number;
}

export interface OutputOptions extends CellOptions {
  /** Only these fields (all when unset). */
  fieldIds?: ReadonlySet<string>;
  /** `recordMetadata[]=commentCount`: the sandbox has no comments, so it is always 0. */
  commentCount?: boolean;
}

/** Primary field text of linked records, read from the store. */
export function linkedText(store: SandboxRecordStore, base: SandboxBase): LinkedText {
  return (field, recordId) => {
    const linked = base.tables.find((t) => t.id === field.options?.linkedTableId);
    const primary = linked?.fields.find((f) => f.id === linked.primaryFieldId);
    const value = linked && primary ? store.get(linked.id, recordId)?.fields[primary.name] : undefined;
    return value === undefined ? undefined : String(value);
  };
}

/** Records as Airtable answers them: empty cells left out, keyed by field name or id, JSON or text cells. */
export class RecordOutput {
  private readonly fields: SandboxField[];
  private readonly text?: CellText;

  constructor(
    table: SandboxTable,
    private readonly options: OutputOptions,
    linked: LinkedText,
  ) {
    this.fields = options.fieldIds ? table.fields.filter((f) => options.fieldIds!.has(f.id)) : table.fields;
    if (options.text) this.text = new CellText(options.text, linked);
  }

  render(record: SandboxRecord): RecordJson {
    const fields: Record<string, CellValue> = {};
    for (const field of this.fields) {
      const value = record.fields[field.name];
      if (value === undefined) continue;
      const cell = this.text ? this.text.format(field, value) : value;
      if (cell !== '') fields[this.options.returnFieldsByFieldId ? field.id : field.name] = cell;
    }
    return { id: record.id, createdTime: record.createdTime, fields, ...(this.options.commentCount ? { commentCount: 0 } : {}) };
  }
}
