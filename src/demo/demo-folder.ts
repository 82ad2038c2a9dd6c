import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { namesClientId } from '../config/airtable.config';
import type { Environment } from '../config/env-reader';

/** Where the demo keeps what outlives a restart: `.demo/` in the working directory, or DEMO_DIR. */
export function demoDir(env: Environment): string {
  return resolve(env.DEMO_DIR?.trim() || '.demo');
}

/**
 * Creates the demo folder if it is missing, readable by its owner only (0700). mkdir's mode applies
 * only to a folder it creates, so one made earlier (by an older CLI, or by hand) is tightened here.
 */
export function privateDemoDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

export function demoDatabasePath(dir: string): string {
  return join(dir, 'demo.sqlite');
}

/** Whether the environment names a database of its own, which then wins over the demo folder's. */
export function namesDatabase(env: Environment): boolean {
  return Boolean(env.DATABASE_URL?.trim() || env.DATABASE_PATH?.trim());
}

/**
 * The demo folder the command-line tools work in: with no database and no Airtable client configured
 * they use the demo's database, so a key made with them works against the demo. Undefined otherwise.
 */
export function toolDemoDir(env: Environment): string | undefined {
  return namesDatabase(env) || namesClientId(env) ? undefined : demoDir(env);
}

/** The environment for the command-line tools: as given, or with the demo folder's database (see toolDemoDir). */
export function toolEnvironment(env: Environment): Environment {
  const dir = toolDemoDir(env);
  return dir ? { ...env, DATABASE_PATH: demoDatabasePath(dir) } : env;
}
