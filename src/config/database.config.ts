import { configNamespace } from './config-namespace';

export const databaseConfig = configNamespace('database', (env) => {
  const url = env.string('DATABASE_URL', '');
  if (url && !/^postgres(ql)?:\/\//i.test(url)) env.problem('DATABASE_URL must start with postgres:// or postgresql://');
  return {
    /** Set: connections and sessions live in PostgreSQL, which every instance of a fleet shares. */
    url: url || undefined,
    /** Otherwise this SQLite file holds them (":memory:": the process only). */
    path: env.string('DATABASE_PATH', './data/airtable-service.sqlite'),
    /** A database call slower than this fails (503 store_unavailable) instead of hanging the request. */
    timeoutMs: env.integer('DATABASE_TIMEOUT_MS', 2_000),
  };
});

export type DatabaseConfig = ReturnType<typeof databaseConfig>;
