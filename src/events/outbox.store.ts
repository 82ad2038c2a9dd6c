export type ConnectionEventType = 'connection.created' | 'connection.updated' | 'connection.reauth_required' | 'connection.deleted';

/** An event as the receiver gets it. */
export interface AppEvent {
  id: string;
  type: ConnectionEventType | 'airtable.changes' | 'webhook.expired';
  createdAt: string;
  data: Record<string, unknown>;
}

export interface PendingEvent {
  event: AppEvent;
  /** Events of one connection go out in order: a later one waits while an earlier one fails. */
  connectionId: string;
  attempts: number;
  /** How long it has waited, by the database's clock. */
  ageMs: number;
}

/**
 * The durable outbox (SQL): events wait here until the receiver accepts them, across crashes and
 * restarts. Events are written by the stores, in the same transaction as the change they tell of;
 * their order is the database's sequence, and every time here is the database's.
 */
export abstract class OutboxStore {
  /**
   * Makes this instance the only one delivering for `leaseMs`, or extends the turn `token` holds;
   * the turn's fencing token, or undefined while another instance holds it.
   */
  abstract takeTurn(leaseMs: number, token?: string): Promise<string | undefined>;
  /**
   * The events due now that are the oldest undelivered one of their connection, oldest first: a
   * connection's later events wait behind one that is backing off, and nobody else's do.
   */
  abstract pending(limit: number): Promise<PendingEvent[]>;
  /** Each mark is made only while `token` holds the turn; false when it no longer does. */
  abstract delivered(token: string, eventId: string): Promise<boolean>;
  abstract retryLater(token: string, eventId: string, waitMs: number, error: string): Promise<boolean>;
  /** The give-up time passed: kept as failed (and purged later), never sent again. */
  abstract giveUp(token: string, eventId: string, error: string): Promise<boolean>;
  /** How many events wait, and how long the oldest has (by the database's clock). */
  abstract depth(): Promise<{ count: number; oldestAgeMs?: number }>;
  /** Deletes up to `limit` events delivered or given up more than `retentionMs` ago; how many went. */
  abstract purge(retentionMs: number, limit: number): Promise<number>;
}
