import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP load balancer for trying a fleet on one machine (and for its tests): it
 * spreads requests round-robin over several instances, or as `route` picks, and skips an instance that
 * refuses connections, as a real balancer's health checks would. Use a real one (nginx, HAProxy, a
 * cloud balancer) in production.
 */
export class LoadBalancer {
  private server?: Server;
  private turn = 0;
  readonly down = new Set<number>();
  route?: (req: IncomingMessage) => number;

  constructor(private readonly targets: string[]) {}

  async listen(port: number, host = '127.0.0.1'): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => this.forward(req, Buffer.concat(chunks), res, this.pick(req), this.targets.length));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private pick(req: IncomingMessage): number {
    if (this.route) return this.route(req);
    for (let i = 0; i < this.targets.length; i++) {
      const candidate = this.turn++ % this.targets.length;
      if (!this.down.has(candidate)) return candidate;
    }
    return 0;
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse, target: number, triesLeft: number): void {
    const url = new URL(req.url ?? '/', this.targets[target]);
    const upstream = request(url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      this.down.add(target);
      if (triesLeft > 1) this.forward(req, body, res, (target + 1) % this.targets.length, triesLeft - 1);
      else res.writeHead(502).end();
    });
    upstream.end(body);
  }
}
