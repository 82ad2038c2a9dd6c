import { configNamespace } from './config-namespace';

/** Airtable creates, updates and deletes at most this many records per request. */
export const AIRTABLE_BATCH_LIMIT = 10;

export const recordsConfig = configNamespace('records', (env) => {
  const chunkSize = env.integer('RECORDS_CHUNK_SIZE', AIRTABLE_BATCH_LIMIT);
  if (chunkSize > AIRTABLE_BATCH_LIMIT) env.problem(`RECORDS_CHUNK_SIZE must be at most ${AIRTABLE_BATCH_LIMIT}, Airtable's limit`);
  return {
    /** Records per upstream write request. */
    chunkSize,
    /** The most records one write to this service may carry (it is sent in chunks). */
    maxPerWrite: env.integer('RECORDS_MAX_PER_WRITE', 5_000),
    /** How long an Idempotency-Key's answer is kept and replayed. */
    idempotencyTtlMs: env.integer('IDEMPOTENCY_TTL_HOURS', 24) * 3_600_000,
    /**
     * How long a write holds its key without progress before a retry may take it over and resume
     * (after a crash): longer than one chunk can take, its pacing wait and its timeout included.
     */
    idempotencyLeaseMs: env.integer('IDEMPOTENCY_LEASE_SECONDS', 60) * 1000,
  };
});

export type RecordsConfig = ReturnType<typeof recordsConfig>;
