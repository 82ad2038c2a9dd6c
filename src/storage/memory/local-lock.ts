import { DistributedLock } from '../../common/distributed-lock';

/** One instance: SingleFlight already serializes callers within the process, so nothing is left to do. */
export class LocalLock extends DistributedLock {
  withLock<T>(_name: string, critical: () => Promise<T>): Promise<T> {
    return critical();
  }
}
