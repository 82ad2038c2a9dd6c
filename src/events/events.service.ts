import { Inject, Injectable } from '@nestjs/common';
import { randomToken } from '../common/random';
import { Clock } from '../common/clock';
import { eventsConfig, type EventsConfig } from '../config/events.config';
import type { Connection } from '../connections/connection.store';
import type { AppEvent, ConnectionEventType } from './outbox.store';

/** What a receiver learns of a connection: who and what, never its tokens. */
export function connectionView(connection: Connection): Record<string, unknown> {
  return {
    id: connection.id,
    status: connection.status,
    ...(connection.endUserId ? { endUserId: connection.endUserId } : {}),
    airtableUserId: connection.userId,
    ...(connection.email ? { email: connection.email } : {}),
    scopes: connection.scopes,
    createdAt: new Date(connection.createdAt).toISOString(),
    updatedAt: new Date(connection.updatedAt).toISOString(),
  };
}

/**
 * Makes the events that stores put in the outbox, in the same transaction as the change they tell of,
 * for the dispatcher to deliver; with no EVENTS_URL, there are none.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly clock: Clock,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
  ) {}

  get enabled(): boolean {
    return this.config.url !== undefined;
  }

  /** The event for a change of a connection, as it is after the change. */
  connection(type: ConnectionEventType, connection: Connection): AppEvent | undefined {
    return this.event(type, connectionView(connection));
  }

  /**
   * An event for a store to keep together with the change it tells of, in one transaction; undefined
   * when events are off. `id` is given when a repeat of the same change must carry the same id.
   */
  event(type: AppEvent['type'], data: Record<string, unknown>, id = `evt_${randomToken().slice(0, 24)}`): AppEvent | undefined {
    if (!this.enabled) return undefined;
    return { id, type, createdAt: new Date(this.clock.now()).toISOString(), data };
  }
}
