import { notFound, unknownField, unprocessable } from './sandbox-api-error';
import { findField, findView, type SandboxBase, type SandboxField, type SandboxTable } from './sandbox-data';
import { compileFormula, type Formula, FormulaError, isTruthy } from './sandbox-formula';
import type { ListIterations, ListIteration } from './sandbox-iterations';
import type { CellOptions, ListQuery } from './sandbox-list-query';
import { linkedText, RecordOutput, type RecordJson } from './sandbox-record-output';
import { type FieldSort, sortRecords } from './sandbox-record-order';
import type { SandboxRecordStore } from './sandbox-record-store';

export interface RecordPage {
  records: RecordJson[];
  offset?: string;
}

/** A list request checked against its table: what selects, orders and shows records. */
interface ListPlan {
  filters: Formula[];
  sorts: FieldSort[];
  fieldIds?: ReadonlySet<string>;
}

/** Listing and reading records. A list's filter and sort run once, at its first page; later pages read the result. */
export class SandboxRecordReads {
  constructor(
    private readonly store: SandboxRecordStore,
    private readonly iterations: ListIterations,
  ) {}

  list(base: SandboxBase, table: SandboxTable, query: ListQuery): RecordPage {
    // Later pages check their parameters too, but the iteration keeps the filter, sort and maxRecords it began with.
    const plan = listPlan(table, query);
    const start = query.offset === undefined ? undefined : this.iterations.resume(query.offset, table.id);
    const recordIds = start?.iteration.recordIds ?? this.matching(base, table, plan, query.maxRecords);
    const output = new RecordOutput(table, { ...query, fieldIds: plan.fieldIds }, linkedText(this.store, base));
    const records: RecordJson[] = [];
    let position = start?.position ?? 0;
    // Records deleted since the iteration began are skipped.
    for (; position < recordIds.length && records.length < query.pageSize; position++) {
      const record = this.store.get(table.id, recordIds[position]);
      if (record) records.push(output.render(record));
    }
    while (position < recordIds.length && !this.store.get(table.id, recordIds[position])) position++;
    if (position === recordIds.length) return { records };
    const iteration: ListIteration = start?.iteration ?? this.iterations.start(table.id, recordIds);
    return { records, offset: this.iterations.offsetAt(iteration, position) };
  }

  one(base: SandboxBase, table: SandboxTable, recordId: string, options: CellOptions): RecordJson {
    const record = this.store.get(table.id, recordId);
    if (!record) throw notFound();
    return new RecordOutput(table, options, linkedText(this.store, base)).render(record);
  }

  private matching(base: SandboxBase, table: SandboxTable, plan: ListPlan, maxRecords = Infinity): string[] {
    let records = this.store.all(table.id);
    if (plan.filters.length > 0) records = records.filter((record) => plan.filters.every((filter) => isTruthy(filter(record))));
    const ordered = sortRecords(records, plan.sorts, linkedText(this.store, base));
    return ordered.slice(0, maxRecords).map((record) => record.id);
  }
}

function listPlan(table: SandboxTable, query: ListQuery): ListPlan {
  const field = (name: string): SandboxField => {
    const found = findField(table, name);
    if (!found) throw unknownField(name);
    return found;
  };
  const fieldIds = query.fields && new Set(query.fields.map((name) => field(name).id));
  const view = query.view === undefined ? undefined : findView(table, query.view);
  if (query.view !== undefined && !view) throw unprocessable('VIEW_NAME_NOT_FOUND', `Could not find view ${query.view} in table ${table.name}`);
  // A sort in the request replaces the view's; a formula in the request narrows the view's filter.
  const sorts = (query.sort.length > 0 ? query.sort : (view?.sort ?? [])).map((sort) => ({ field: field(sort.field), direction: sort.direction }));
  const names = new Set(table.fields.map((f) => f.name));
  const filters = view?.filter === undefined ? [] : [compileFormula(view.filter, names)];
  if (query.filterByFormula !== undefined) {
    try {
      filters.push(compileFormula(query.filterByFormula, names));
    } catch (error) {
      if (!(error instanceof FormulaError)) throw error;
      throw unprocessable('INVALID_FILTER_BY_FORMULA', `The formula for filtering records is invalid: ${error.message}`);
    }
  }
  return { filters, sorts, ...(fieldIds ? { fieldIds } : {}) };
}
