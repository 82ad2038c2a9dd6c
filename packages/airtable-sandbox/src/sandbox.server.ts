import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, isIPv6 } from 'node:net';
import { SandboxAccess } from './sandbox-access';
import { SandboxApi } from './sandbox-api';
import { apiError } from './sandbox-api-error';
import { SandboxAuthorizeEndpoint } from './sandbox-authorize';
import { sandboxContents } from './sandbox-contents';
import { SANDBOX_USER, type SandboxBase } from './sandbox-data';
import { GrantStore } from './sandbox-grants';
import { json, type SandboxRequest, type SandboxResponse } from './sandbox-http';
import { ListIterations } from './sandbox-iterations';
import { SandboxPersistence } from './sandbox-persistence';
import { SandboxRateLimit } from './sandbox-rate-limit';
import { SandboxRecordReads } from './sandbox-record-reads';
import type { SandboxRecordStore } from './sandbox-record-store';
import { SandboxRecordWrites } from './sandbox-record-writes';
import { SandboxRecordsApi } from './sandbox-records';
import { SandboxRecorder } from './sandbox-recorder';
import { SandboxTokenEndpoint } from './sandbox-token';
import { SandboxWebhooks } from './sandbox-webhooks';
import { SandboxWebhooksApi } from './sandbox-webhooks-api';
import { sandboxOptions, type SandboxClock, type SandboxOptions } from './sandbox.options';

/** Room for a write of 10 records with long texts. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Airtable refuses longer URLs (clients then send list parameters as a POST body). */
const MAX_URL_LENGTH = 16_000;
/** Node's default (16 KiB) would refuse a long URL with a 431 before the sandbox could answer it. */
const MAX_HEADER_BYTES = 64 * 1024;
const TABLES_PATH = /^\/v0\/meta\/bases\/([^/]+)\/tables$/;
const WEBHOOKS_PREFIX = '/v0/bases/';

/**
 * A local Airtable: OAuth authorize (with a consent screen), token endpoint and the Web API, following
 * Airtable's documented rules, so the service can be run and tested with no Airtable account and no network.
 */
export class AirtableSandbox {
  readonly options: SandboxOptions;
  /** What every expiry reads (not the rate limit): `options.clock`, e.g. a test's clock that it moves instead of waiting. */
  readonly clock: SandboxClock;
  readonly user = SANDBOX_USER;
  readonly bases: SandboxBase[];
  readonly grants: GrantStore;
  readonly recorder = new SandboxRecorder();
  /** Every table's records, e.g. for a test to read what a client wrote: `sandbox.records.all(tableId)`. */
  readonly records: SandboxRecordStore;
  /** Every base's webhooks, with test controls: `all()`, `expire(id)`, `pausePings(paused)`, `pings`. */
  readonly webhooks: SandboxWebhooks;
  readonly api: SandboxApi;
  private readonly recordsApi: SandboxRecordsApi;
  private readonly webhooksApi: SandboxWebhooksApi;
  private readonly authorizeEndpoint: SandboxAuthorizeEndpoint;
  private readonly tokenEndpoint: SandboxTokenEndpoint;
  private readonly persistence?: SandboxPersistence;
  private server?: Server;

  constructor(overrides: Partial<SandboxOptions> = {}) {
    this.options = sandboxOptions(overrides);
    this.clock = this.options.clock;
    ({ bases: this.bases, records: this.records } = sandboxContents(this.options, overrides));
    // Test controls and ping results change saved state outside any request.
    const changed = () => this.persistence?.changed();
    this.grants = new GrantStore(this.options, changed);
    this.authorizeEndpoint = new SandboxAuthorizeEndpoint(this.options, this.grants, this.user, this.bases);
    this.tokenEndpoint = new SandboxTokenEndpoint(this.options, this.grants, this.recorder);
    // One limit per base for every route, as in Airtable.
    const access = new SandboxAccess(this.grants, this.bases, new SandboxRateLimit(this.options.rateLimitPerSecond, this.options.rateLimitLockoutMs));
    this.api = new SandboxApi(this.options, access, this.user, this.bases);
    const iterations = new ListIterations(this.options.offsetTtlMs, this.options.maxListIterations, this.clock);
    this.webhooks = new SandboxWebhooks(this.options, this.user, this.records, { changed });
    const writes = new SandboxRecordWrites(this.records, (transaction) => this.webhooks.record(transaction));
    this.recordsApi = new SandboxRecordsApi(access, new SandboxRecordReads(this.records, iterations), writes);
    this.webhooksApi = new SandboxWebhooksApi(access, this.webhooks);
    if (this.options.dataFile) this.persistence = new SandboxPersistence(this, this.options.dataFile, this.clock);
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('The sandbox is not listening');
    const host = isIPv6(this.options.host) ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${address.port}`;
  }

  async listen(): Promise<this> {
    await this.persistence?.open();
    const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => void this.serve(req, res));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port, this.options.host, resolve);
      });
    } catch (error) {
      // E.g. the port is in use: the data file is free again for a sandbox that can start.
      this.webhooks.close();
      await this.persistence?.close();
      throw error;
    }
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    this.webhooks.close();
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.persistence?.close();
  }

  private handle(req: SandboxRequest): SandboxResponse {
    this.persistence?.noteRequest(req);
    const tables = req.method === 'GET' ? TABLES_PATH.exec(req.path) : null;
    if (tables) return this.api.baseTables(req, tables[1]);
    switch (`${req.method} ${req.path}`) {
      case 'GET /oauth2/v1/authorize':
        return this.authorizeEndpoint.authorize(req.query);
      case 'POST /oauth2/v1/authorize':
        return this.authorizeEndpoint.decide(new URLSearchParams(req.body));
      case 'POST /oauth2/v1/token':
        return this.tokenEndpoint.token(req);
      case 'GET /v0/meta/whoami':
        return this.api.whoami(req);
      case 'GET /v0/meta/bases':
        return this.api.listBases(req);
    }
    // Before the records routes, which would take `bases` for a base id.
    if (req.path.startsWith(WEBHOOKS_PREFIX)) {
      return this.webhooksApi.route(req, req.path.slice(WEBHOOKS_PREFIX.length).split('/')) ?? json(404, { error: 'NOT_FOUND' });
    }
    const recordsRoute = req.path.startsWith('/v0/') && !req.path.startsWith('/v0/meta/');
    return (recordsRoute ? this.recordsApi.route(req, req.path.slice(4).split('/')) : undefined) ?? json(404, { error: 'NOT_FOUND' });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    let body = '';
    try {
      body = await readBody(req);
    } catch {
      this.send(res, json(413, { error: 'REQUEST_TOO_LARGE' }));
      return;
    }
    const request = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
    const route = `${request.method} ${request.path}`;
    this.recorder.recordRequest({ route, query: url.search, headers: req.headers });
    if (`http://${req.headers.host ?? ''}${req.url ?? ''}`.length > MAX_URL_LENGTH) {
      // Airtable's exact answer is undocumented; 414 says what is wrong, with Airtable's error shape.
      this.send(res, apiError(414, 'INVALID_REQUEST_UNKNOWN', `The URL is longer than ${MAX_URL_LENGTH} characters; list with POST .../listRecords instead.`));
      return;
    }
    const fault = this.recorder.takeFault(route);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (res.destroyed) return;
    if (fault?.loseAnswer) {
      this.handle(request);
      res.destroy();
      return;
    }
    const response =
      fault?.status !== undefined
        ? { status: fault.status, headers: fault.headers, body: fault.body }
        : this.handle(request);
    this.send(res, response);
  }

  private send(res: ServerResponse, response: SandboxResponse): void {
    this.recorder.recordResponse(response.status);
    res.writeHead(response.status, response.headers).end(response.body);
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
