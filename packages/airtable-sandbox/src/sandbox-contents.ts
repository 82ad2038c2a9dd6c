import { sampleBases, type SandboxBase } from './sandbox-data';
import { SandboxRecordStore } from './sandbox-record-store';
import { seedContents } from './sandbox-seed-file';
import type { SandboxOptions } from './sandbox.options';

/** What the sandbox serves at start: a seed's bases and records, or the demo data sized by `tableSizes`. */
export function sandboxContents(options: SandboxOptions, overrides: Partial<SandboxOptions>): { bases: SandboxBase[]; records: SandboxRecordStore } {
  if (!options.seed) {
    const bases = sampleBases();
    return { bases, records: new SandboxRecordStore(bases, options.tableSizes) };
  }
  if (overrides.tableSizes) throw new Error('tableSizes sizes the demo data; a seed brings its own records');
  const { bases, records } = seedContents(options.seed);
  const store = new SandboxRecordStore(bases, {});
  store.load(records);
  return { bases, records: store };
}
