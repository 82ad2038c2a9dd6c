import type { OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { DistributedLock } from '../../common/distributed-lock';
import { storeUnavailable, withinTime } from '../store-unavailable';

const POLL_MS = 25;
/**
 * Lock holders each keep one connection of this pool of its own, so they never starve the stores'
 * pool; no fleet-wide lock is taken while holding another, so holders cannot starve each other.
 */
const MAX_HOLDERS = 10;

/**
 * A fleet on PostgreSQL without Redis: one refresh per connection across the fleet by a session-level
 * advisory lock, held on a connection of its own for the critical section and released on it after.
 * A holder that dies loses its connection, and PostgreSQL releases the lock with it.
 */
export class PostgresAdvisoryLock extends DistributedLock implements OnModuleDestroy {
  private readonly pool: Pool;

  /** `fleetWide` names the locks that need the fleet; the others are this process's alone (SingleFlight). */
  constructor(
    url: string,
    private readonly holdMs: number,
    private readonly timeoutMs: number,
    private readonly fleetWide: (name: string) => boolean,
  ) {
    super();
    this.pool = new Pool({ connectionString: url, connectionTimeoutMillis: timeoutMs, max: MAX_HOLDERS });
    // A client whose server went away emits 'error', idle in the pool or held through a critical
    // section; with no listener that would crash the process. Its unlock then fails, and it is closed.
    const lost = () => undefined;
    this.pool.on('error', lost);
    this.pool.on('connect', (client) => client.on('error', lost));
  }

  async withLock<T>(name: string, critical: () => Promise<T>): Promise<T> {
    if (!this.fleetWide(name)) return critical();
    const client = await withinTime(this.pool.connect(), this.timeoutMs);
    let broken = false;
    // A wait that timed out may still be answered later, with the lock taken: such a connection is closed too.
    try {
      const deadline = Date.now() + this.holdMs;
      while (!(await this.tryLock(client, name).catch((error: unknown) => ((broken = true), Promise.reject(error))))) {
        if (Date.now() > deadline) throw storeUnavailable('lock wait');
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      try {
        return await critical();
      } finally {
        await withinTime(client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [name]), this.timeoutMs).catch(() => (broken = true));
      }
    } finally {
      // A connection whose unlock failed may still hold the lock: it is closed, never reused.
      client.release(broken);
    }
  }

  onModuleDestroy(): Promise<void> {
    return this.pool.end();
  }

  private async tryLock(client: { query: Pool['query'] }, name: string): Promise<boolean> {
    const result = await withinTime(client.query<{ taken: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as taken', [name]), this.timeoutMs);
    return result.rows[0].taken;
  }
}
