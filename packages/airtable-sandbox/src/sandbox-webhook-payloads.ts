import type { LinkedText } from './sandbox-cell-text';
import type { SandboxField, SandboxTable, SandboxUser } from './sandbox-data';
import { linkedText } from './sandbox-record-output';
import type { SandboxRecordStore } from './sandbox-record-store';
import type { CellValue, SandboxRecord } from './sandbox-record-types';
import type { ChangeType, WebhookIncludes, WebhookSpecification } from './sandbox-webhook-spec';
import type { RecordChange, TableChanges, WriteTransaction } from './sandbox-write-transaction';

export interface CellValues {
  cellValuesByFieldId: Record<string, unknown>;
}

export interface ChangedRecordPayload {
  current: CellValues;
  previous?: CellValues;
  unchanged?: CellValues;
}

export interface TablePayload {
  createdRecordsById?: Record<string, CellValues & { createdTime: string }>;
  changedRecordsById?: Record<string, ChangedRecordPayload>;
  destroyedRecordIds?: string[];
}

/** One payload in Airtable's `v0` format: the changes of one base transaction that a webhook watches. */
export interface WebhookPayload {
  timestamp: string;
  baseTransactionNumber: number;
  actionMetadata: { source: 'publicApi'; sourceMetadata: { user: { id: string; email: string; permissionLevel: string } } };
  payloadFormat: 'v0';
  changedTablesById: Record<string, TablePayload>;
}

export interface PayloadContext {
  baseTransactionNumber: number;
  user: SandboxUser;
  linkedName: LinkedText;
}

/** Every write of the sandbox comes through its Web API. */
const SOURCE = 'publicApi';

/** The payload `spec` sees of `transaction`, or undefined when it watches none of its changes. */
export function payloadFor(spec: WebhookSpecification, transaction: WriteTransaction, context: PayloadContext): WebhookPayload | undefined {
  const { filters } = spec.options;
  if (!filters.dataTypes.includes('tableData')) return undefined;
  if (filters.fromSources && !filters.fromSources.includes(SOURCE)) return undefined;
  const changedTablesById: Record<string, TablePayload> = {};
  for (const changes of transaction.tables) {
    if (filters.recordChangeScope !== undefined && filters.recordChangeScope !== changes.table.id) continue;
    const table = tablePayload(spec, changes, context.linkedName);
    if (table) changedTablesById[changes.table.id] = table;
  }
  if (Object.keys(changedTablesById).length === 0) return undefined;
  return {
    timestamp: transaction.timestamp,
    baseTransactionNumber: context.baseTransactionNumber,
    actionMetadata: {
      source: SOURCE,
      sourceMetadata: { user: { id: context.user.id, email: context.user.email, permissionLevel: transaction.base.permissionLevel } },
    },
    payloadFormat: 'v0',
    changedTablesById,
  };
}

/**
 * Link names of a transaction's payloads: from the store, or from the records the transaction destroyed
 * (a delete's cascade reports links to records that are already gone).
 */
export function transactionLinkNames(store: SandboxRecordStore, transaction: WriteTransaction): LinkedText {
  const fromStore = linkedText(store, transaction.base);
  const destroyed = new Map(transaction.tables.flatMap((t) => t.destroyed.map((record) => [record.id, { table: t.table, record }] as const)));
  return (field, recordId) => {
    const known = fromStore(field, recordId);
    if (known !== undefined) return known;
    const gone = destroyed.get(recordId);
    if (!gone) return undefined;
    const primary = gone.table.fields.find((f) => f.id === gone.table.primaryFieldId);
    const value = primary && gone.record.fields[primary.name];
    return value === undefined ? undefined : String(value);
  };
}

function tablePayload(spec: WebhookSpecification, changes: TableChanges, linkedName: LinkedText): TablePayload | undefined {
  const { filters, includes = {} } = spec.options;
  const wants = (type: ChangeType) => !filters.changeTypes || filters.changeTypes.includes(type);
  const watched = filters.watchDataInFieldIds;
  const cells = new PayloadCells(changes.table, linkedName);
  const payload: TablePayload = {};
  if (wants('add') && changes.created.length > 0) {
    payload.createdRecordsById = Object.fromEntries(
      changes.created.map((record) => [record.id, { createdTime: record.createdTime, ...cells.present(record, cells.allFieldIds) }]),
    );
  }
  const updates = wants('update') ? changes.changed.filter((change) => !watched || change.fieldIds.some((id) => watched.includes(id))) : [];
  if (updates.length > 0) {
    payload.changedRecordsById = Object.fromEntries(updates.map((change) => [change.after.id, changedRecord(change, includes, cells)]));
  }
  if (wants('remove') && changes.destroyed.length > 0) payload.destroyedRecordIds = changes.destroyed.map((record) => record.id);
  return Object.keys(payload).length > 0 ? payload : undefined;
}

/** `current` and `previous` hold the changed cells (null: emptied, or was empty); `unchanged` the included others. */
function changedRecord(change: RecordChange, includes: WebhookIncludes, cells: PayloadCells): ChangedRecordPayload {
  const record: ChangedRecordPayload = { current: cells.each(change.after, change.fieldIds) };
  if (includes.includePreviousCellValues) record.previous = cells.each(change.before, change.fieldIds);
  const included = includes.includeCellValuesInFieldIds;
  if (included) {
    const ids = included === 'all' ? cells.allFieldIds : included;
    record.unchanged = cells.present(change.after, ids.filter((id) => !change.fieldIds.includes(id)));
  }
  return record;
}

/** A table's cells as payloads carry them: keyed by field id, in the webhooks cell format. */
class PayloadCells {
  readonly allFieldIds: string[];
  private readonly fields: Map<string, SandboxField>;

  constructor(
    table: SandboxTable,
    private readonly linkedName: LinkedText,
  ) {
    this.fields = new Map(table.fields.map((f) => [f.id, f]));
    this.allFieldIds = [...this.fields.keys()];
  }

  /** The non-empty cells among `fieldIds`. */
  present(record: SandboxRecord, fieldIds: string[]): CellValues {
    return this.cells(record, fieldIds, false);
  }

  /** Every cell of `fieldIds`, null for an empty one. */
  each(record: SandboxRecord, fieldIds: string[]): CellValues {
    return this.cells(record, fieldIds, true);
  }

  private cells(record: SandboxRecord, fieldIds: string[], withEmpty: boolean): CellValues {
    const cellValuesByFieldId: Record<string, unknown> = {};
    for (const id of fieldIds) {
      const field = this.fields.get(id);
      if (!field) continue;
      const value = record.fields[field.name];
      if (value !== undefined) cellValuesByFieldId[id] = webhookCell(field, value, this.linkedName);
      else if (withEmpty) cellValuesByFieldId[id] = null;
    }
    return { cellValuesByFieldId };
  }
}

/**
 * Webhooks carry some cells in a richer format than the records API: a select as its choice
 * `{id, name, color}`, a link as `{id, name}` (the linked record's primary text). Others are unchanged.
 */
export function webhookCell(field: SandboxField, value: CellValue, linkedName: LinkedText): unknown {
  const choice = (name: string) => {
    const found = field.options?.choices?.find((c) => c.name === name);
    return found ? { id: found.id, name: found.name, color: found.color } : { name };
  };
  switch (field.type) {
    case 'singleSelect':
      return choice(value as string);
    case 'multipleSelects':
      return (value as string[]).map(choice);
    case 'multipleRecordLinks':
      return (value as string[]).map((id) => ({ id, name: linkedName(field, id) ?? '' }));
    default:
      return value;
  }
}
