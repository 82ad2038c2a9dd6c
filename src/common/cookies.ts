import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { parse as parseCookies } from 'cookie';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { appConfig, type AppConfig } from '../config/app.config';
import { authConfig, type AuthConfig } from '../config/auth.config';
import type { HttpRequest, HttpResponse } from './http-exchange';
import { RANDOM_TOKEN_PATTERN } from './random';

const SESSION = 'sid';
const BINDING = 'auth_binding';
const VALUE = /^[A-Za-z0-9_.-]*$/;

/**
 * The one place that reads and writes this service's cookies: the session id and the login's browser
 * binding. Both are HttpOnly, SameSite=Lax, for the whole site, and over https Secure `__Host-` cookies:
 * browsers take those only from this very host, so a sibling subdomain or a plain-http page cannot
 * plant or overwrite them.
 */
@Injectable()
export class Cookies {
  private readonly prefix: string;
  private readonly attributes: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(airtableConfig.KEY) airtable: AirtableConfig,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {
    // The redirect URI is the service's public URL: it says whether browsers reach it over https.
    const https = airtable.redirectUri.protocol === 'https:';
    this.prefix = https ? '__Host-' : '';
    this.attributes = `; Path=/; HttpOnly${https ? '; Secure' : ''}; SameSite=Lax`;
  }

  /** The session id the browser sent, if it has the shape of one. */
  sessionId(req: HttpRequest): string | undefined {
    const id = this.read(req, SESSION);
    return id && RANDOM_TOKEN_PATTERN.test(id) ? id : undefined;
  }

  setSession(res: HttpResponse, id: string): void {
    this.write(res, SESSION, id, this.app.sessionTtlMs);
  }

  clearSession(res: HttpResponse): void {
    this.write(res, SESSION, '', 0);
  }

  /** The binding cookie as sent; BrowserBinding decides whether this service signed it. */
  binding(req: HttpRequest): string | undefined {
    return this.read(req, BINDING);
  }

  setBinding(res: HttpResponse, value: string): void {
    this.write(res, BINDING, value, this.auth.requestTtlMs);
  }

  private read(req: HttpRequest, name: string): string | undefined {
    const header = req.headers.cookie;
    if (!header) return undefined;
    try {
      return parseCookies(header)[this.prefix + name];
    } catch {
      return undefined;
    }
  }

  /**
   * Assembled here rather than by the cookie library: names are constants and values are this
   * service's own base64url tokens (signed ones joined by a dot), so there is nothing to encode, and its
   * generic validation and encoding showed among the larger costs of a login.
   */
  private write(res: HttpResponse, name: string, value: string, maxAgeMs: number): void {
    if (!VALUE.test(value)) throw new Error(`Cookie ${name} must hold base64url tokens`);
    const cookie = `${this.prefix}${name}=${value}; Max-Age=${Math.floor(maxAgeMs / 1000)}${this.attributes}`;
    this.adapterHost.httpAdapter.appendHeader(res, 'Set-Cookie', cookie);
  }
}
