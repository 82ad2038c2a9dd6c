import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { connectionsAndSessions } from './migrations/001-connections-and-sessions';
import { idempotencyKeys } from './migrations/002-idempotency-keys';
import { apiKeys } from './migrations/003-api-keys';
import { connectLinks } from './migrations/004-connect-links';
import { outbox } from './migrations/005-outbox';
import { webhooks } from './migrations/006-webhooks';
import { durableOrder } from './migrations/007-durable-order';
import type { SqlSchema } from './sql-database';

/** Listed here rather than read from a folder: the build output does not keep the source layout. */
export const MIGRATIONS: Record<string, Migration> = {
  '001-connections-and-sessions': connectionsAndSessions,
  '002-idempotency-keys': idempotencyKeys,
  '003-api-keys': apiKeys,
  '004-connect-links': connectLinks,
  '005-outbox': outbox,
  '006-webhooks': webhooks,
  '007-durable-order': durableOrder,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Applies the migrations this database has not had yet and returns their names. On PostgreSQL the
 * migrator holds an advisory lock meanwhile, so instances starting together take turns.
 */
export async function migrateToLatest(db: Kysely<SqlSchema>): Promise<string[]> {
  const { error, results = [] } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${failed ? `Database migration ${failed}` : 'Preparing the database migrations'} failed: ${reason}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
