import { withConfiguredDatabase } from './configured-database';
import { migrateToLatest } from './sql-migrations';

/** `npm run migrate`: brings the configured database to the latest schema, as every start also does. */
withConfiguredDatabase(async (db) => {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied ${applied.join(', ')}` : 'The database schema is up to date');
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
