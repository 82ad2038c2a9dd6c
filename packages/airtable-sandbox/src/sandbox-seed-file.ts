import { readFile } from 'node:fs/promises';
import type { SandboxBase } from './sandbox-data';
import type { SandboxRecord } from './sandbox-record-types';
import { seedRecordsOf } from './sandbox-seed-records';
import { seedSchema } from './sandbox-seed-schema';
import type { SandboxSeed } from './sandbox-seed-types';

export interface SeedContents {
  bases: SandboxBase[];
  /** By table id, in creation order. */
  records: Record<string, SandboxRecord[]>;
}

/** A seed checked whole (a SeedError names the first bad element), with every missing id derived. */
export function seedContents(seed: unknown): SeedContents {
  const { bases, tables } = seedSchema(seed);
  return { bases, records: seedRecordsOf(tables) };
}

/** A seed file, read and checked; every error names the file. */
export async function readSeedFile(path: string): Promise<SandboxSeed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`The seed file ${path} cannot be read: ${(error as Error).message}`);
  }
  let seed: unknown;
  try {
    seed = JSON.parse(text);
  } catch (error) {
    throw new Error(`The seed file ${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    seedContents(seed);
  } catch (error) {
    throw new Error(`The seed file ${path} does not fit the seed format: ${(error as Error).message}`);
  }
  return seed as SandboxSeed;
}
