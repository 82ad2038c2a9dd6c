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
  nextAttemptAt: number;
  createdAt: number;
}

/** The durable outbox (SQL): events wait here until the receiver accepts them, across crashes and restarts. */
export abstract class OutboxStore {
  abstract enqueue(connectionId: string, event: AppEvent): Promise<void>;
  /**
   * Makes this instance the only one delivering for `leaseMs` (or extends its turn); false while
   * another instance holds it.
   */
  abstract takeTurn(owner: string, leaseMs: number): Promise<boolean>;
  /**
   * The events due now that are the oldest undelivered one of their connection, oldest first: a
   * connection's later events wait behind one that is backing off, and nobody else's do.
   */
  abstract pending(limit: number): Promise<PendingEvent[]>;
  abstract delivered(eventId: string): Promise<void>;
  abstract retryAt(eventId: string, attempts: number, nextAttemptAt: number): Promise<void>;
  /** Removes an event that will never be delivered (the give-up time passed). */
  abstract drop(eventId: string): Promise<void>;
  /** How many events wait, and since when the oldest has. */
  abstract depth(): Promise<{ count: number; oldestCreatedAt?: number }>;
}
