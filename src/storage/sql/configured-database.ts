import type { Kysely } from 'kysely';
import { processEnvironment } from '../../config/config';
import { databaseConfig } from '../../config/database.config';
import { type Environment, EnvReader } from '../../config/env-reader';
import { openSqlDatabase, type SqlSchema } from './sql-database';

/** For the command-line tools: the database the environment names (as the service would open it), closed after `run`. */
export async function withConfiguredDatabase<T>(
  run: (db: Kysely<SqlSchema>, timeoutMs: number) => Promise<T>,
  env: Environment = processEnvironment(),
): Promise<T> {
  const reader = new EnvReader(env);
  const config = databaseConfig(reader);
  reader.assertValid();
  const db = openSqlDatabase(config);
  try {
    return await run(db, config.timeoutMs);
  } finally {
    await db.destroy();
  }
}
