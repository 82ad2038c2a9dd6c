import { invalidRequest, notFound, unknownField, unprocessable } from './sandbox-api-error';
import { type CellContext, cellValue } from './sandbox-cell-values';
import { choiceColor, findField, SANDBOX_COLLABORATORS, type SandboxBase, type SandboxField, type SandboxTable } from './sandbox-data';
import { freshId } from './sandbox-random';
import { linkedText, RecordOutput, type RecordJson } from './sandbox-record-output';
import type { SandboxRecordStore } from './sandbox-record-store';
import type { CellValue, SandboxRecord } from './sandbox-record-types';
import { mergeFields, type UpdateInput, upsertTargets } from './sandbox-record-upsert';
import { MAX_WRITE_RECORDS, plainObject, recordEntry, recordList, type WriteOptions, writeOptions } from './sandbox-write-body';
import { TransactionBuilder, type TransactionListener } from './sandbox-write-transaction';

export type UpdateMethod = 'PATCH' | 'PUT';

type Changes = UpdateInput['changes'];

/** One record of a write, checked: what it becomes, and whether it is new. */
interface Planned {
  existing?: SandboxRecord;
  fields: Record<string, CellValue>;
}

/**
 * Creates, updates, replaces and deletes records. A write is checked whole before anything changes:
 * one bad record or value fails the request and leaves the table (and its select choices) as it was.
 * Each successful write is then reported to `onCommit` as one transaction (what webhooks watch).
 */
export class SandboxRecordWrites {
  constructor(
    private readonly store: SandboxRecordStore,
    private readonly onCommit: TransactionListener = () => undefined,
  ) {}

  /** `{records: [{fields}]}` answers `{records}`; a single `{fields}` answers one record. */
  create(base: SandboxBase, table: SandboxTable, body: unknown): unknown {
    const object = plainObject(body);
    const single = !('records' in object) && 'fields' in object;
    const options = writeOptions(object, [single ? 'fields' : 'records']);
    const context = this.context(base, options.typecast);
    const fieldInputs = single ? [object.fields] : recordList(object.records).map((entry) => recordEntry(entry, ['fields']).fields);
    const planned = fieldInputs.map((fields) => ({ fields: applied(undefined, this.changesOf(table, fields, context), 'PUT') }));
    const records = this.commit(base, table, planned, context, options);
    return single ? records[0] : { records };
  }

  /** `{records: [{id, fields}]}`; PATCH changes the fields sent, PUT also clears the others. With `performUpsert`, ids are optional. */
  update(base: SandboxBase, table: SandboxTable, body: unknown, method: UpdateMethod): unknown {
    const object = plainObject(body);
    const options = writeOptions(object, ['records', 'performUpsert']);
    const merge = object.performUpsert === undefined ? undefined : mergeFields(table, object.performUpsert);
    const context = this.context(base, options.typecast);
    const inputs: UpdateInput[] = recordList(object.records).map((entry) => {
      const { id, fields } = recordEntry(entry, ['id', 'fields']);
      if (id === undefined && !merge) throw unprocessable('INVALID_RECORDS', 'Each record to update needs an id.');
      if (id !== undefined && typeof id !== 'string') throw unprocessable('INVALID_RECORDS', 'A record id must be a string.');
      return { id: id as string | undefined, changes: this.changesOf(table, fields, context) };
    });
    const byId = (id: string) => this.existing(table, id);
    const targets = merge ? upsertTargets(this.store.values(table.id), inputs, merge, byId) : inputs.map((input) => byId(input.id!));
    const ids = targets.flatMap((t) => (t ? [t.id] : []));
    if (new Set(ids).size !== ids.length) throw unprocessable('INVALID_RECORDS', 'A record appears more than once in the request.');
    const planned = inputs.map((input, i) => ({ existing: targets[i], fields: applied(targets[i], input.changes, method) }));
    const records = this.commit(base, table, planned, context, options);
    if (!merge) return { records };
    return {
      records,
      createdRecords: records.filter((_, i) => !targets[i]).map((r) => r.id),
      updatedRecords: records.filter((_, i) => targets[i]).map((r) => r.id),
    };
  }

  /** `PATCH|PUT /{recordId}` with `{fields}`; an unknown record is a 404. */
  updateOne(base: SandboxBase, table: SandboxTable, recordId: string, body: unknown, method: UpdateMethod): RecordJson {
    const object = plainObject(body);
    const options = writeOptions(object, ['fields']);
    const existing = this.store.get(table.id, recordId);
    if (!existing) throw notFound();
    const context = this.context(base, options.typecast);
    const changes = this.changesOf(table, object.fields, context);
    return this.commit(base, table, [{ existing, fields: applied(existing, changes, method) }], context, options)[0];
  }

  /** `records[]=rec...` (1 to 10): all exist, or nothing is deleted. */
  delete(base: SandboxBase, table: SandboxTable, ids: string[]): { records: Array<{ id: string; deleted: true }> } {
    if (ids.length === 0 || ids.length > MAX_WRITE_RECORDS) {
      throw unprocessable('INVALID_RECORDS', `Delete between 1 and ${MAX_WRITE_RECORDS} records, named by records[].`);
    }
    if (new Set(ids).size !== ids.length) throw unprocessable('INVALID_RECORDS', 'A record appears more than once in the request.');
    ids.forEach((id) => this.existing(table, id));
    this.remove(base, table, ids);
    return { records: ids.map((id) => ({ id, deleted: true as const })) };
  }

  deleteOne(base: SandboxBase, table: SandboxTable, recordId: string): { id: string; deleted: true } {
    if (!this.store.get(table.id, recordId)) throw notFound();
    this.remove(base, table, [recordId]);
    return { id: recordId, deleted: true };
  }

  private existing(table: SandboxTable, id: string): SandboxRecord {
    const record = this.store.get(table.id, id);
    if (!record) throw unprocessable('ROW_DOES_NOT_EXIST', `Record ID ${id} does not exist`);
    return record;
  }

  private changesOf(table: SandboxTable, input: unknown, context: CellContext): Changes {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw unprocessable('INVALID_RECORDS', 'Each record needs a fields object.');
    const changes: Changes = new Map();
    for (const [key, value] of Object.entries(input)) {
      const field = findField(table, key);
      if (!field) throw unknownField(key);
      if (changes.has(field)) throw invalidRequest(`The field "${field.name}" is named twice (by name and by id).`);
      changes.set(field, cellValue(field, value, context));
    }
    return changes;
  }

  private commit(base: SandboxBase, table: SandboxTable, planned: Planned[], context: CellContext, options: WriteOptions): RecordJson[] {
    for (const [field, names] of context.newChoices) {
      const choices = (field.options ??= {}).choices ?? (field.options.choices = []);
      for (const name of names) choices.push({ id: freshId('sel'), name, color: choiceColor(choices.length) });
    }
    const transaction = new TransactionBuilder(base);
    const written = planned.map(({ existing, fields }) => {
      if (!existing) {
        const created = this.store.create(table.id, fields);
        transaction.created(table, created);
        return created;
      }
      const replaced = this.store.replace(table.id, existing.id, fields);
      transaction.changed(table, existing, replaced);
      return replaced;
    });
    this.report(transaction);
    const output = new RecordOutput(table, { returnFieldsByFieldId: options.returnFieldsByFieldId }, linkedText(this.store, base));
    return written.map((record) => output.render(record));
  }

  /** Deleted records also disappear from the link fields that pointed at them. */
  private remove(base: SandboxBase, table: SandboxTable, ids: string[]): void {
    const transaction = new TransactionBuilder(base);
    for (const id of ids) {
      transaction.destroyed(table, this.store.get(table.id, id)!);
      this.store.delete(table.id, id);
    }
    const gone = new Set(ids);
    for (const other of base.tables) {
      for (const field of other.fields.filter((f) => f.options?.linkedTableId === table.id)) {
        for (const record of this.store.all(other.id)) {
          const links = record.fields[field.name] as string[] | undefined;
          if (!links?.some((id) => gone.has(id))) continue;
          const { [field.name]: _links, ...rest } = record.fields;
          const kept = links.filter((id) => !gone.has(id));
          transaction.changed(other, record, this.store.replace(other.id, record.id, kept.length > 0 ? { ...rest, [field.name]: kept } : rest));
        }
      }
    }
    this.report(transaction);
  }

  private report(transaction: TransactionBuilder): void {
    const built = transaction.build();
    if (built) this.onCommit(built);
  }

  private context(base: SandboxBase, typecast: boolean): CellContext {
    const linkedTable = (field: SandboxField) => base.tables.find((t) => t.id === field.options?.linkedTableId);
    return {
      typecast,
      newChoices: new Map(),
      collaborators: SANDBOX_COLLABORATORS,
      linkExists: (field, recordId) => {
        const linked = linkedTable(field);
        return linked !== undefined && this.store.get(linked.id, recordId) !== undefined;
      },
      linkByText: (field, text) => {
        const linked = linkedTable(field);
        const primary = linked?.fields.find((f) => f.id === linked.primaryFieldId);
        if (!linked || !primary) return undefined;
        for (const record of this.store.values(linked.id)) if (record.fields[primary.name] === text) return record.id;
        return undefined;
      },
    };
  }
}

/** The record after the write: PATCH keeps the fields not sent, PUT (and a create) keeps only those sent. */
function applied(existing: SandboxRecord | undefined, changes: Changes, method: UpdateMethod): Record<string, CellValue> {
  const fields: Record<string, CellValue> = method === 'PATCH' && existing ? { ...existing.fields } : {};
  for (const [field, value] of changes) {
    if (value === undefined) delete fields[field.name];
    else fields[field.name] = value;
  }
  return fields;
}

