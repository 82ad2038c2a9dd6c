/**
 * Mutual exclusion across every instance of the service. Within one process callers are already
 * serialized by SingleFlight, so the single-instance lock has nothing left to do.
 */
export abstract class DistributedLock {
  abstract withLock<T>(name: string, critical: () => Promise<T>): Promise<T>;
}
