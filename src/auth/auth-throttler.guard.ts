import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { AppError, ErrorCode } from '../common/app-error';

/** Per-client limits on starting and finishing logins, answered in this service's error format. */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(_context: ExecutionContext, limit: ThrottlerLimitDetail): Promise<void> {
    throw new AppError(ErrorCode.TooManyRequests, 'Too many sign-in attempts from this address. Please wait a minute.', {
      retryAfterSeconds: Math.max(1, limit.timeToBlockExpire || limit.timeToExpire),
    });
  }
}
