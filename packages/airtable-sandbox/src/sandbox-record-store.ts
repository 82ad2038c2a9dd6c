import type { SandboxBase, SandboxTable } from './sandbox-data';
import { freshId } from './sandbox-random';
import type { CellValue, SandboxRecord } from './sandbox-record-types';
import { seedRecords } from './sandbox-seed';

/**
 * Every table's records, indexed by id, in creation order (Airtable's order when no view or sort says
 * otherwise). Records are replaced, never changed in place, so a record handed out stays as it was.
 */
export class SandboxRecordStore {
  private readonly tables = new Map<string, Map<string, SandboxRecord>>();

  constructor(bases: readonly SandboxBase[], tableSizes: Readonly<Record<string, number>>) {
    const known = new Set(bases.flatMap((b) => b.tables.map((t) => t.name)));
    const unknown = Object.keys(tableSizes).filter((name) => !known.has(name));
    if (unknown.length > 0) throw new Error(`tableSizes names tables the sandbox does not have: ${unknown.join(', ')}`);
    for (const base of bases) this.seed(base, tableSizes);
  }

  /** The table's records in creation order, e.g. for a test to check what a client wrote. */
  all(tableId: string): SandboxRecord[] {
    return [...this.table(tableId).values()];
  }

  /** The table's records in creation order, without copying them first. */
  values(tableId: string): IterableIterator<SandboxRecord> {
    return this.table(tableId).values();
  }

  get(tableId: string, recordId: string): SandboxRecord | undefined {
    return this.table(tableId).get(recordId);
  }

  count(tableId: string): number {
    return this.table(tableId).size;
  }

  /** A new record with a fresh `rec` id, created now. */
  create(tableId: string, fields: Readonly<Record<string, CellValue>>): SandboxRecord {
    const records = this.table(tableId);
    let id: string;
    do id = freshId('rec');
    while (records.has(id));
    const record = { id, createdTime: new Date().toISOString(), fields };
    records.set(id, record);
    return record;
  }

  /** Replaces an existing record's fields; its place in creation order stays. */
  replace(tableId: string, recordId: string, fields: Readonly<Record<string, CellValue>>): SandboxRecord {
    const records = this.table(tableId);
    const current = records.get(recordId);
    if (!current) throw new Error(`No record ${recordId} in ${tableId}`);
    const record = { ...current, fields };
    records.set(recordId, record);
    return record;
  }

  delete(tableId: string, recordId: string): boolean {
    return this.table(tableId).delete(recordId);
  }

  /** Every table's records in creation order, by table id, e.g. to save them. */
  contents(): Record<string, SandboxRecord[]> {
    return Object.fromEntries([...this.tables].map(([tableId, records]) => [tableId, [...records.values()]]));
  }

  /** Replaces every table and its records, e.g. with a seed file's or a saved state's. */
  load(contents: Readonly<Record<string, readonly SandboxRecord[]>>): void {
    this.tables.clear();
    for (const [tableId, records] of Object.entries(contents)) this.tables.set(tableId, new Map(records.map((r) => [r.id, r])));
  }

  private table(tableId: string): Map<string, SandboxRecord> {
    const records = this.tables.get(tableId);
    if (!records) throw new Error(`The sandbox has no table ${tableId}`);
    return records;
  }

  /** Linked tables first, so that a link field can pick among the records it links to. */
  private seed(base: SandboxBase, tableSizes: Readonly<Record<string, number>>): void {
    const links = (table: SandboxTable) => table.fields.some((f) => f.type === 'multipleRecordLinks');
    const ordered = [...base.tables].sort((a, b) => Number(links(a)) - Number(links(b)));
    const seeded = new Map<string, string[]>();
    for (const table of ordered) {
      const records = seedRecords(table, tableSizes[table.name] ?? 0, (name) => seeded.get(name) ?? []);
      seeded.set(table.name, records.map((r) => r.id));
      this.tables.set(table.id, new Map(records.map((r) => [r.id, r])));
    }
  }
}
