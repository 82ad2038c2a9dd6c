import { processEnvironment } from '../../config/config';
import { databaseConfig } from '../../config/database.config';
import { EnvReader } from '../../config/env-reader';
import { openSqlDatabase } from './sql-database';
import { migrateToLatest } from './sql-migrations';

/** `npm run migrate`: brings the configured database to the latest schema, as every start also does. */
async function main(): Promise<void> {
  const reader = new EnvReader(processEnvironment());
  const config = databaseConfig(reader);
  reader.assertValid();
  const db = openSqlDatabase(config);
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `Applied ${applied.join(', ')}` : 'The database schema is up to date');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
