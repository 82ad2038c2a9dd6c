import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { AppError, ErrorCode } from './app-error';
import type { HttpRequest } from './http-exchange';

/**
 * Refuses state-changing requests sent by another site. Browsers always send `Origin` (and modern ones
 * `Sec-Fetch-Site`) on a cross-site POST; a request with neither did not come from a browser page.
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
    const siteOk = site === undefined || site === 'same-origin' || site === 'none';
    const originOk = origin === undefined || origin === this.origin;
    if (!siteOk || !originOk) {
      throw new AppError(ErrorCode.ForbiddenOrigin, 'This request must come from this site.');
    }
    return true;
  }
}
