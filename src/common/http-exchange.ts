import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { parse as parseCookies } from 'cookie';
import type { IncomingHttpHeaders } from 'node:http';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';

const COOKIE_VALUE = /^[A-Za-z0-9_.-]*$/;

/** What every adapter's request has (Express and Fastify alike). */
export interface HttpRequest {
  headers: IncomingHttpHeaders;
}

/** Opaque to controllers: only the HTTP adapter touches it. */
export type HttpResponse = object;

/**
 * Cookies, headers and the raw query through Nest's HTTP adapter, so controllers stay free of
 * Express or Fastify types and the same code runs on both.
 */
@Injectable()
export class HttpExchange {
  /** Cookies are Secure whenever the service is reached over https (its redirect URI says how). */
  private readonly secureAttribute: string;
  /**
   * Over https every cookie is a `__Host-` cookie: browsers accept it only from this very host, Secure,
   * for the whole path, so a sibling subdomain or a plain-http page cannot plant or overwrite it.
   */
  private readonly namePrefix: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(airtableConfig.KEY) airtable: AirtableConfig,
  ) {
    const https = airtable.redirectUri.protocol === 'https:';
    this.secureAttribute = https ? '; Secure' : '';
    this.namePrefix = https ? '__Host-' : '';
  }

  /** The query string exactly as sent, before any framework turns repeats into arrays or objects. */
  rawQuery(req: HttpRequest): string {
    const url: string = this.adapterHost.httpAdapter.getRequestUrl(req);
    const mark = url.indexOf('?');
    return mark < 0 ? '' : url.slice(mark + 1);
  }

  cookie(req: HttpRequest, name: string): string | undefined {
    const header = req.headers.cookie;
    if (!header) return undefined;
    try {
      return parseCookies(header)[this.namePrefix + name];
    } catch {
      return undefined;
    }
  }

  /**
   * Assembled here rather than by the cookie library: names are constants and values are this
   * service's own base64url tokens (signed ones joined by a dot), so there is nothing to encode, and its generic validation and
   * encoding showed among the larger costs of a login. Anything else is a programming error.
   */
  setCookie(res: HttpResponse, name: string, value: string, maxAgeMs: number): void {
    if (!COOKIE_VALUE.test(value)) throw new Error(`Cookie ${name} must hold base64url tokens`);
    const cookie = `${this.namePrefix}${name}=${value}; Max-Age=${Math.floor(maxAgeMs / 1000)}; Path=/; HttpOnly${this.secureAttribute}; SameSite=Lax`;
    this.adapterHost.httpAdapter.appendHeader(res, 'Set-Cookie', cookie);
  }

  clearCookie(res: HttpResponse, name: string): void {
    this.setCookie(res, name, '', 0);
  }
}
