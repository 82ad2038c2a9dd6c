import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { Keyv } from 'keyv';
import { AppError, ErrorCode } from '../common/app-error';
import { RANDOM_TOKEN_PATTERN, safeEqual } from '../common/random';
import { authConfig, type AuthConfig } from '../config/auth.config';

/** One login in progress, stored under its state until the callback arrives or the TTL ends it. */
export interface PendingAuthRequest {
  codeVerifier: string;
  /** HMAC of the nonce in the browser's binding cookie: only that browser can finish this login. */
  bindingHash: string;
  returnTo: string;
  /** For a login opened from a connect link: the link's hash, which names the end user. */
  connectLink?: string;
  /**
   * And the link's token, to send the person back to the link's page when the login fails. As secret
   * as the verifier beside it, and gone with it. Absent in entries written before it was kept.
   */
  connectToken?: string;
}

const PREFIX = 'auth:';
const LINK_HASH = /^[0-9a-f]{64}$/;

// One flat string per pending login, not an object of strings: less than half the memory per entry
// in memory mode (docs/benchmarks.md) and a shorter value in Redis. The verifier, the hash and the
// link hash (`-` for none) are base64url or hex, so a space cannot occur in them; whatever follows
// the third space is the return path, which starts with `/`. A link's login puts the link's token
// (base64url, never starting with `/`) and a space before it: an instance of the version before reads
// such an entry as a link's login with an odd return path, which a link's login never uses.
function encode(r: PendingAuthRequest): string {
  const link = r.connectLink ?? '-';
  const rest = r.connectLink && r.connectToken ? `${r.connectToken} ${r.returnTo}` : r.returnTo;
  return [r.codeVerifier, r.bindingHash, link, rest].join(' ');
}

function decode(value: unknown): PendingAuthRequest | undefined {
  if (typeof value !== 'string') return undefined;
  const [codeVerifier, bindingHash, link] = value.split(' ', 3);
  if (link === undefined) return undefined;
  // Written before connect links (verifier, hash, return path): still in flight during an upgrade.
  if (link !== '-' && !LINK_HASH.test(link)) return { codeVerifier, bindingHash, returnTo: value.slice(codeVerifier.length + bindingHash.length + 2) };
  const rest = value.slice(codeVerifier.length + bindingHash.length + link.length + 3);
  if (link === '-') return { codeVerifier, bindingHash, returnTo: rest };
  const [token] = rest.split(' ', 1);
  if (!RANDOM_TOKEN_PATTERN.test(token)) return { codeVerifier, bindingHash, returnTo: rest, connectLink: link };
  return { codeVerifier, bindingHash, returnTo: rest.slice(token.length + 1), connectLink: link, connectToken: token };
}

@Injectable()
export class PendingAuthStore {
  private readonly keyv: Keyv;

  constructor(
    @Inject(CACHE_MANAGER) cache: Cache,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {
    this.keyv = cache.stores[0];
  }

  // The Keyv store is used directly: cache-manager swallows store errors, and a login must fail closed
  // (the store answers 503 store_unavailable, in time, when it cannot be reached).
  async save(state: string, request: PendingAuthRequest): Promise<void> {
    await this.keyv.set(PREFIX + state, encode(request), this.config.requestTtlMs);
  }

  /**
   * Removes and returns the pending request, but only for the browser that started it: a request with
   * another browser's binding leaves the entry untouched, so a forged callback cannot cancel a login.
   */
  async take(state: string, bindingHash: string): Promise<PendingAuthRequest> {
    const request = decode(await this.keyv.get<string>(PREFIX + state));
    if (!request) throw new AppError(ErrorCode.InvalidState);
    if (!safeEqual(request.bindingHash, bindingHash)) {
      throw new AppError(ErrorCode.BrowserMismatch);
    }
    // The single-use gate: of concurrent callbacks for one state, only the one whose delete removed
    // the entry goes on (cache-manager's del() always says true; Keyv's delete() does not, atomically
    // on Redis too).
    const removed = await this.keyv.delete(PREFIX + state);
    if (!removed) throw new AppError(ErrorCode.InvalidState);
    return request;
  }
}
