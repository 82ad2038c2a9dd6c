import { Inject, Injectable } from '@nestjs/common';
import { deriveKey, hmac, randomToken, safeEqual } from '../common/random';
import { appConfig, type AppConfig } from '../config/app.config';

const SIGNED_COOKIE = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

/**
 * Binds a login to the browser that started it: the binding cookie holds a random nonce, the pending
 * login the nonce's HMAC. The cookie is signed, so a browser keeps only a binding this service set; a
 * value planted by someone else (a sibling subdomain, plain http) is replaced, not adopted.
 */
@Injectable()
export class BrowserBinding {
  private readonly hashKey: Buffer;
  private readonly signingKey: Buffer;

  constructor(@Inject(appConfig.KEY) app: AppConfig) {
    this.hashKey = deriveKey(app.sessionSecret, 'login binding hash');
    this.signingKey = deriveKey(app.sessionSecret, 'login binding cookie');
  }

  /** The browser's own binding when it has one (so parallel tabs all work), else a new one. */
  issue(cookie: string | undefined): { nonce: string; cookie: string } {
    const nonce = this.nonceOf(cookie) ?? randomToken();
    return { nonce, cookie: `${nonce}.${hmac(this.signingKey, nonce)}` };
  }

  /** The nonce of a cookie this service signed; undefined for anything else. */
  nonceOf(cookie: string | undefined): string | undefined {
    const parts = cookie ? SIGNED_COOKIE.exec(cookie) : null;
    return parts && safeEqual(parts[2], hmac(this.signingKey, parts[1])) ? parts[1] : undefined;
  }

  /** What the pending login stores: the nonce itself never leaves the browser's cookie. */
  hash(nonce: string): string {
    return hmac(this.hashKey, nonce);
  }
}
