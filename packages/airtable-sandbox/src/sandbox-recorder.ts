import type { IncomingHttpHeaders } from 'node:http';

/** How many recent requests the recorder keeps per list; older ones are dropped. */
export const MAX_RECORDED = 1000;

/** A scripted misbehaviour for one route: a canned answer, a delay, a lost answer, or a delay and one of the others. */
export interface SandboxFault {
  status?: number;
  headers?: Record<string, string>;
  /** Bytes as they go on the wire (a Buffer for a compressed body, with its Content-Encoding header). */
  body?: string | Buffer;
  delayMs?: number;
  /**
   * The request is applied as usual, then the connection is dropped without an answer: the client
   * cannot tell whether Airtable did what it asked (status, headers and body are then unused).
   */
  loseAnswer?: boolean;
  /** How many requests on the route pass untouched before it applies; unset: none. */
  skip?: number;
  /** How many requests it applies to; unset: until cleared. */
  times?: number;
}

export interface ReceivedRequest {
  route: string;
  query: string;
  headers: IncomingHttpHeaders;
}

/** What the token endpoint saw, so tests can assert how the service authenticated. */
export interface TokenRequestRecord {
  grantType: string | undefined;
  basicAuth: boolean;
  /** The user part of Basic credentials exactly as sent, before any form-decoding. */
  basicUser?: string;
  /** The PKCE verifier sent, so tests can check it never shows up anywhere else. */
  codeVerifier?: string;
  bodyClientId: string | undefined;
  status: number;
}

/** The sandbox's test instrumentation: what reached it, and the faults scripted for it. */
export class SandboxRecorder {
  /** Arrival times of the latest requests per route, to check a client's pacing. */
  readonly arrivals = new Map<string, number[]>();
  /** The latest requests as received, to check what a client forwards. */
  readonly received: ReceivedRequest[] = [];
  readonly tokenRequests: TokenRequestRecord[] = [];
  private readonly calls = new Map<string, number>();
  private readonly statuses = new Map<number, number>();
  private readonly faults = new Map<string, SandboxFault>();

  /** Requests received on `route` (`GET /v0/meta/whoami`), so tests can assert what reached Airtable. */
  count(route: string): number {
    return this.calls.get(route) ?? 0;
  }

  /** Requests received on every route, so tests can assert that nothing at all reached Airtable. */
  countAll(): number {
    let total = 0;
    for (const count of this.calls.values()) total += count;
    return total;
  }

  /** Responses sent with `status`, scripted faults included, e.g. to assert that a client caused no 429. */
  statusCount(status: number): number {
    return this.statuses.get(status) ?? 0;
  }

  /** Makes `route` (`POST /oauth2/v1/token`) misbehave, to test how clients cope with Airtable's failures. */
  fault(route: string, fault: SandboxFault): void {
    // A copy: counting down `skip` and `times` must not change the caller's object.
    this.faults.set(route, { ...fault });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  recordRequest(request: ReceivedRequest, now = Date.now()): void {
    this.calls.set(request.route, this.count(request.route) + 1);
    pushBounded(this.received, request);
    const arrivals = this.arrivals.get(request.route) ?? [];
    pushBounded(arrivals, now);
    this.arrivals.set(request.route, arrivals);
  }

  recordResponse(status: number): void {
    this.statuses.set(status, this.statusCount(status) + 1);
  }

  recordTokenRequest(record: TokenRequestRecord): void {
    pushBounded(this.tokenRequests, record);
  }

  /**
   * The fault for this request on `route`, if any: none for the first `skip` requests, and one with
   * `times` wears off after that many requests.
   */
  takeFault(route: string): SandboxFault | undefined {
    const fault = this.faults.get(route);
    if (!fault) return undefined;
    if (fault.skip) {
      fault.skip--;
      return undefined;
    }
    if (fault.times !== undefined && --fault.times <= 0) this.faults.delete(route);
    return fault;
  }
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_RECORDED) list.shift();
}
