import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { AppError, ErrorCode } from './app-error';
import type { HttpRequest } from './http-exchange';

/**
 * Refuses state-changing requests sent by another site. Modern browsers send `Sec-Fetch-Site`, which
 * is trusted first (their `Origin` is "null" under Referrer-Policy: no-referrer, even on this site);
 * older ones send `Origin` on every POST. A request with neither did not come from a browser page.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  private readonly origin: string;

  constructor(@Inject(airtableConfig.KEY) airtable: AirtableConfig) {
    this.origin = airtable.redirectUri.origin;
  }

  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<HttpRequest>();
    const site = headers['sec-fetch-site'];
    const origin = headers.origin;
    const allowed = site !== undefined ? site === 'same-origin' || site === 'none' : origin === undefined || origin === this.origin;
    if (!allowed) {
      throw new AppError(ErrorCode.ForbiddenOrigin);
    }
    return true;
  }
}
