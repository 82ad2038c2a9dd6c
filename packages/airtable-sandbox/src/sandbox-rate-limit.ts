/** Airtable's per-base limit: more than N requests in any second locks the base out for a while. */
export class SandboxRateLimit {
  private readonly recent = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(
    private readonly perSecond: number,
    private readonly lockoutMs: number,
  ) {}

  /** Records a request for `key`; false when it is over the limit (or still locked out). */
  allow(key: string, now = Date.now()): boolean {
    if ((this.lockedUntil.get(key) ?? 0) > now) return false;
    const times = (this.recent.get(key) ?? []).filter((t) => now - t < 1000);
    times.push(now);
    this.recent.set(key, times);
    if (times.length > this.perSecond) {
      this.lockedUntil.set(key, now + this.lockoutMs);
      return false;
    }
    return true;
  }
}
