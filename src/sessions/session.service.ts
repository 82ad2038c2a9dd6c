import { Injectable } from '@nestjs/common';
import { type ConnectionEffects, ConnectionStore, type StoredConnection } from '../connections/connection.store';
import { EventsService } from '../events/events.service';
import { type NewSession, SessionStore } from './session.store';

/** The session behind a browser's cookie, and the Airtable connection it uses. */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly connections: ConnectionStore,
    private readonly events: EventsService,
  ) {}

  /** The connection of a live session, tokens still sealed; undefined for no or an ended session. */
  async current(sessionId: string | undefined): Promise<StoredConnection | undefined> {
    const session = sessionId && (await this.sessions.use(sessionId));
    return session ? this.connections.load(session.connectionId) : undefined;
  }

  /**
   * A new id at every login (never one the browser had before), and the browser's old session ends:
   * stored by the connection store in the login's transaction.
   */
  issue(previousSessionId: string | undefined): Pick<ConnectionEffects, 'session' | 'endSessionHash'> & { session: NewSession } {
    return { session: this.sessions.issue(), ...(previousSessionId ? { endSessionHash: this.sessions.hashOf(previousSessionId) } : {}) };
  }

  /** Signing out ends the session and deletes its connection's tokens (and so its other sessions). */
  async end(sessionId: string | undefined): Promise<void> {
    if (!sessionId) return;
    const session = await this.sessions.use(sessionId);
    const stored = session && (await this.connections.load(session.connectionId));
    if (stored) await this.connections.delete(stored.connection.id, { event: this.events.connection('connection.deleted', stored.connection) });
    await this.sessions.delete(sessionId);
  }
}
