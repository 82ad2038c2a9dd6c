import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { IncomingHttpHeaders } from 'node:http';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';

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
  private readonly secureCookies: boolean;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(airtableConfig.KEY) airtable: AirtableConfig,
  ) {
    this.secureCookies = airtable.redirectUri.protocol === 'https:';
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
      return parseCookies(header)[name];
    } catch {
      return undefined;
    }
  }

  setCookie(res: HttpResponse, name: string, value: string, maxAgeMs: number): void {
    const cookie = serializeCookie(name, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secureCookies,
      path: '/',
      maxAge: Math.floor(maxAgeMs / 1000),
    });
    this.adapterHost.httpAdapter.appendHeader(res, 'Set-Cookie', cookie);
  }

  clearCookie(res: HttpResponse, name: string): void {
    this.setCookie(res, name, '', 0);
  }
}
