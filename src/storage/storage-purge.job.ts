import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { PeriodicJob } from '../common/periodic-job';
import { eventsConfig, type EventsConfig } from '../config/events.config';
import { ConnectLinkStore } from '../connect/connect-link.store';
import { OutboxStore } from '../events/outbox.store';
import { IdempotencyStore } from '../records/idempotency.store';
import { SessionStore } from '../sessions/session.store';
import type { SqlSchema } from './sql/sql-database';
import { SqlLeases } from './sql/sql-lease';
import { SQL_DATABASE } from './sql/sql.providers';

const EVERY_MS = 60_000;
const BATCH = 1_000;
/** Batches per kind and pass: a large backlog goes over several passes instead of one long one. */
const MAX_BATCHES = 20;
/** Leases ended this long ago are deleted; no holder stalls that long and still expects its token to count. */
const LEASE_GRACE_MS = 24 * 3_600_000;

/**
 * Nothing grows for ever: every instance deletes, in batches, expired connect links, idempotency keys
 * past their time to live, sessions past their lifetime, events delivered or given up more than
 * EVENTS_RETENTION_DAYS ago, and leases long ended. Deletes of the same rows from two instances at once
 * are harmless.
 */
@Injectable()
export class StoragePurge extends PeriodicJob<Record<string, number>> {
  private readonly logger = new Logger(StoragePurge.name);
  private readonly leases: SqlLeases;

  constructor(
    @Inject(SQL_DATABASE) db: Kysely<SqlSchema>,
    private readonly links: ConnectLinkStore,
    private readonly idempotency: IdempotencyStore,
    private readonly sessions: SessionStore,
    private readonly outbox: OutboxStore,
    @Inject(eventsConfig.KEY) private readonly events: EventsConfig,
  ) {
    super();
    this.leases = new SqlLeases(db);
  }

  protected interval(): number {
    return EVERY_MS;
  }

  /** How many rows of each kind went. */
  protected async pass(): Promise<Record<string, number>> {
    const kinds: Record<string, (limit: number) => Promise<number>> = {
      connectLinks: (limit) => this.links.purge(limit),
      idempotencyKeys: (limit) => this.idempotency.purge(limit),
      sessions: (limit) => this.sessions.purge(limit),
      events: (limit) => this.outbox.purge(this.events.retentionMs, limit),
      leases: (limit) => this.leases.purge(LEASE_GRACE_MS, limit),
    };
    const deleted: Record<string, number> = {};
    for (const [kind, purge] of Object.entries(kinds)) {
      deleted[kind] = 0;
      try {
        for (let batch = 0; batch < MAX_BATCHES; batch++) {
          const count = await purge(BATCH);
          deleted[kind] += count;
          if (count < BATCH) break;
        }
      } catch {
        this.logger.warn(`Purging ${kind} failed; the next pass tries again`);
      }
    }
    return deleted;
  }
}
