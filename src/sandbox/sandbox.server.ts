import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SandboxApi } from './sandbox-api';
import { SANDBOX_USER, sampleBases, type SandboxBase } from './sandbox-data';
import { GrantStore } from './sandbox-grants';
import { json, MAX_RECORDED, type SandboxRequest, type SandboxResponse } from './sandbox-http';
import { SandboxOAuth } from './sandbox-oauth';
import { sandboxOptions, type SandboxOptions } from './sandbox.options';

const MAX_BODY_BYTES = 64 * 1024;
const TABLES_PATH = /^\/v0\/meta\/bases\/([^/]+)\/tables$/;

/** A scripted misbehaviour for one route: a canned answer, a delay, or both. */
export interface SandboxFault {
  status?: number;
  headers?: Record<string, string>;
  /** Bytes as they go on the wire (a Buffer for a compressed body, with its Content-Encoding header). */
  body?: string | Buffer;
  delayMs?: number;
  /** How many requests it applies to; unset: until cleared. */
  times?: number;
}

/**
 * A local Airtable: OAuth authorize (with a consent screen), token endpoint and the Web API, following
 * Airtable's documented rules, so the service can be run and tested with no Airtable account and no network.
 */
export class AirtableSandbox {
  readonly options: SandboxOptions;
  readonly user = SANDBOX_USER;
  readonly bases: SandboxBase[] = sampleBases();
  readonly grants: GrantStore;
  readonly oauth: SandboxOAuth;
  readonly api: SandboxApi;
  /** Requests received per route (`GET /v0/meta/whoami`), so tests can assert what reached Airtable. */
  readonly calls = new Map<string, number>();
  /** Arrival times of the latest requests per route (bounded), to check a client's pacing. */
  readonly arrivals = new Map<string, number[]>();
  /** The latest requests as received (bounded), to check what a client forwards. */
  readonly received: Array<{ route: string; query: string; headers: SandboxRequest['headers'] }> = [];
  private readonly faults = new Map<string, SandboxFault>();
  private server?: Server;

  constructor(overrides: Partial<SandboxOptions> = {}) {
    this.options = sandboxOptions(overrides);
    this.grants = new GrantStore(this.options);
    this.oauth = new SandboxOAuth(this.options, this.grants, this.user, this.bases);
    this.api = new SandboxApi(this.options, this.grants, this.user, this.bases);
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('The sandbox is not listening');
    return `http://${this.options.host}:${address.port}`;
  }

  count(route: string): number {
    return this.calls.get(route) ?? 0;
  }

  /** Makes `route` (`POST /oauth2/v1/token`) misbehave, to test how clients cope with Airtable's failures. */
  fault(route: string, fault: SandboxFault): void {
    this.faults.set(route, fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  async listen(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port, this.options.host, resolve);
    });
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: SandboxRequest): SandboxResponse {
    const tables = req.method === 'GET' ? TABLES_PATH.exec(req.path) : null;
    if (tables) return this.api.baseTables(req, tables[1]);
    switch (`${req.method} ${req.path}`) {
      case 'GET /oauth2/v1/authorize':
        return this.oauth.authorize(req.query);
      case 'POST /oauth2/v1/authorize':
        return this.oauth.decide(new URLSearchParams(req.body));
      case 'POST /oauth2/v1/token':
        return this.oauth.token(req);
      case 'GET /v0/meta/whoami':
        return this.api.whoami(req);
      case 'GET /v0/meta/bases':
        return this.api.listBases(req);
      default:
        return json(404, { error: 'NOT_FOUND' });
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    let body = '';
    try {
      body = await readBody(req);
    } catch {
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'REQUEST_TOO_LARGE' }));
      return;
    }
    const request = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
    const route = `${request.method} ${request.path}`;
    this.calls.set(route, this.count(route) + 1);
    this.received.push({ route, query: url.search, headers: req.headers });
    if (this.received.length > MAX_RECORDED) this.received.shift();
    const arrivals = this.arrivals.get(route) ?? [];
    arrivals.push(Date.now());
    if (arrivals.length > MAX_RECORDED) arrivals.shift();
    this.arrivals.set(route, arrivals);
    const fault = this.takeFault(route);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (res.destroyed) return;
    const response =
      fault?.status !== undefined
        ? { status: fault.status, headers: fault.headers, body: fault.body }
        : this.handle(request);
    res.writeHead(response.status, response.headers).end(response.body);
  }

  private takeFault(route: string): SandboxFault | undefined {
    const fault = this.faults.get(route);
    if (!fault) return undefined;
    if (fault.times !== undefined && --fault.times <= 0) this.faults.delete(route);
    return fault;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSandbox(overrides: Partial<SandboxOptions> = {}): Promise<AirtableSandbox> {
  return new AirtableSandbox(overrides).listen();
}
