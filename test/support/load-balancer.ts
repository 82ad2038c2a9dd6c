import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP load balancer in front of several instances: round-robin by default, or whatever `route`
 * picks; an instance marked down (or refusing connections) is skipped, as a real balancer's health
 * checks would.
 */
export class LoadBalancer {
  private server?: Server;
  private turn = 0;
  readonly down = new Set<number>();
  route?: (req: IncomingMessage) => number;

  constructor(private readonly targets: string[]) {}

  async listen(port: number): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => this.forward(req, Buffer.concat(chunks), res, this.pick(req), this.targets.length));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
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

  private forward(req: IncomingMessage, body: Buffer, res: import('node:http').ServerResponse, target: number, triesLeft: number): void {
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
