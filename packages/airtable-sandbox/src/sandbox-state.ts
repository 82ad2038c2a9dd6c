import type { SandboxBase } from './sandbox-data';
import type { GrantStore, GrantStoreState } from './sandbox-grants';
import type { SandboxRecordStore } from './sandbox-record-store';
import type { SandboxRecord } from './sandbox-record-types';
import type { SandboxWebhooks, WebhooksState } from './sandbox-webhooks';

/**
 * Everything a client would notice losing across a restart, as the data file holds it. Left out: pending
 * consent screens, list offsets (a client restarts its listing on LIST_RECORDS_ITERATOR_NOT_AVAILABLE), the
 * rate limit's counts and the recorder's test records.
 */
export interface SandboxState {
  version: 1;
  savedAt: string;
  /** The schema too: a typecast write adds select choices. */
  bases: SandboxBase[];
  /** By table id, in creation order. */
  records: Record<string, SandboxRecord[]>;
  grants: GrantStoreState;
  webhooks: WebhooksState;
}

export interface StatefulSandbox {
  readonly bases: SandboxBase[];
  readonly records: SandboxRecordStore;
  readonly grants: GrantStore;
  readonly webhooks: SandboxWebhooks;
}

export function sandboxState(sandbox: StatefulSandbox, now: number): SandboxState {
  return {
    version: 1,
    savedAt: new Date(now).toISOString(),
    bases: sandbox.bases,
    records: sandbox.records.contents(),
    grants: sandbox.grants.snapshot(),
    webhooks: sandbox.webhooks.snapshot(),
  };
}

/** The bases are replaced in place: every part of the sandbox holds the same list. */
export function restoreSandboxState(sandbox: StatefulSandbox, state: SandboxState): void {
  sandbox.bases.splice(0, sandbox.bases.length, ...state.bases);
  sandbox.records.load(state.records);
  sandbox.grants.restore(state.grants);
  sandbox.webhooks.restore(state.webhooks);
}

/** A saved state read back; anything that is not one (of this version) is an error, never a fresh start. */
export function parseSandboxState(text: string): SandboxState {
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new Error(`it is not JSON (${(error as Error).message})`);
  }
  const object = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!object(state)) throw new Error('it is not a JSON object');
  if (state.version !== 1) throw new Error(`its version is ${JSON.stringify(state.version)}, and this sandbox reads version 1`);
  const { bases, records, grants, webhooks } = state;
  const tableFits = (table: unknown) => object(table) && object(records) && Array.isArray(records[table.id as string]);
  const fits =
    Array.isArray(bases) &&
    bases.every((base) => object(base) && Array.isArray(base.tables) && base.tables.every(tableFits)) &&
    object(records) &&
    object(grants) &&
    [grants.grants, grants.codes, grants.rotated].every(Array.isArray) &&
    object(webhooks) &&
    [webhooks.hooks, webhooks.transactionNumbers].every(Array.isArray);
  if (!fits) throw new Error('it does not have the bases, records (for every table), grants and webhooks of a saved sandbox');
  return state as unknown as SandboxState;
}
