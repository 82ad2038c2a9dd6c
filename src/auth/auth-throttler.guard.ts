import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { AppError, ErrorCode } from '../common/app-error';

// IPv4, bare or as a dual-stack listener reports it (`::ffff:1.2.3.4`).
const IPV4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Per-client limits on starting and finishing logins, answered in this service's error format. */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  // The throttler's own tracker parses every address into hextets (to group IPv6 by /64) and hashes
  // every key with SHA-256, a visible share of a login's CPU profile. IPv4 needs neither; other
  // addresses still get the /64 grouping. The key is only used in this process or under our Redis prefix.
  protected override getTracker(req: { ip?: string }): Promise<string> {
    const ipv4 = req.ip ? IPV4.exec(req.ip) : null;
    return ipv4 ? Promise.resolve(ipv4[1]) : super.getTracker(req);
  }

  protected override generateKey(context: ExecutionContext, tracker: string, throttler: string): string {
    return `${context.getClass().name}-${context.getHandler().name}-${throttler}-${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, limit: ThrottlerLimitDetail): Promise<void> {
    throw new AppError(ErrorCode.TooManyRequests, 'Too many sign-in attempts from this address. Please wait a minute.', {
      retryAfterSeconds: Math.max(1, limit.timeToBlockExpire || limit.timeToExpire),
    });
  }
}
