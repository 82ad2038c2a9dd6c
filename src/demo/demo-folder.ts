import { join, resolve } from 'node:path';
import type { Environment } from '../config/env-reader';

/** Where the demo keeps what outlives a restart: `.demo/` in the working directory, or DEMO_DIR. */
export function demoDir(env: Environment): string {
  return resolve(env.DEMO_DIR?.trim() || '.demo');
}

export function demoDatabasePath(dir: string): string {
  return join(dir, 'demo.sqlite');
}

/** Whether the environment names a database of its own, which then wins over the demo folder's. */
export function namesDatabase(env: Environment): boolean {
  return Boolean(env.DATABASE_URL?.trim() || env.DATABASE_PATH?.trim());
}

/**
 * The environment for the command-line tools: as given, except that with no database and no Airtable
 * client configured they work on the demo's database, so a key made with them works against the demo.
 */
export function toolEnvironment(env: Environment): Environment {
  const configured = namesDatabase(env) || Boolean(env.AIRTABLE_CLIENT_ID?.trim() || env.CLIENT_ID?.trim());
  return configured ? env : { ...env, DATABASE_PATH: demoDatabasePath(demoDir(env)) };
}
