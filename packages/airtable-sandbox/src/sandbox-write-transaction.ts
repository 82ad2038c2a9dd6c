import type { SandboxBase, SandboxTable } from './sandbox-data';
import type { SandboxRecord } from './sandbox-record-types';

/** A record a write changed: as it was, as it is, and the fields whose cells differ. */
export interface RecordChange {
  before: SandboxRecord;
  after: SandboxRecord;
  fieldIds: string[];
}

export interface TableChanges {
  table: SandboxTable;
  created: SandboxRecord[];
  changed: RecordChange[];
  /** The records as they were, so their cells (e.g. a link's name) can still be read. */
  destroyed: SandboxRecord[];
}

/** Everything one successful write request changed in one base, e.g. for webhooks to report. */
export interface WriteTransaction {
  base: SandboxBase;
  tables: TableChanges[];
  timestamp: string;
}

/** Called after the write has happened, so it must not throw: the request has succeeded whatever it does. */
export type TransactionListener = (transaction: WriteTransaction) => void;

/** Collects the changes of one write as it commits; a record rewritten with the same cells is no change. */
export class TransactionBuilder {
  private readonly tables = new Map<string, TableChanges>();

  constructor(private readonly base: SandboxBase) {}

  created(table: SandboxTable, record: SandboxRecord): void {
    this.of(table).created.push(record);
  }

  changed(table: SandboxTable, before: SandboxRecord, after: SandboxRecord): void {
    const fieldIds = table.fields.filter((f) => !sameCell(before.fields[f.name], after.fields[f.name])).map((f) => f.id);
    if (fieldIds.length > 0) this.of(table).changed.push({ before, after, fieldIds });
  }

  destroyed(table: SandboxTable, record: SandboxRecord): void {
    this.of(table).destroyed.push(record);
  }

  /** The transaction, or undefined when the write changed nothing. */
  build(now = Date.now()): WriteTransaction | undefined {
    if (this.tables.size === 0) return undefined;
    return { base: this.base, tables: [...this.tables.values()], timestamp: new Date(now).toISOString() };
  }

  private of(table: SandboxTable): TableChanges {
    let changes = this.tables.get(table.id);
    if (!changes) this.tables.set(table.id, (changes = { table, created: [], changed: [], destroyed: [] }));
    return changes;
  }
}

/** Cells are JSON values written by the sandbox itself, so their JSON text is a faithful comparison. */
function sameCell(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
