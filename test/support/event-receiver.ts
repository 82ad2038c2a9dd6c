import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  body: string;
  headers: IncomingHttpHeaders;
  event: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
}

/** An app's event endpoint: records every delivery, and answers as the test tells it to. */
export class EventReceiver {
  readonly deliveries: ReceivedEvent[] = [];
  /** The status of the next answers, one each (then 204); 'hang' never answers. */
  readonly script: Array<number | 'hang'> = [];
  /** Events answered 500 whatever the script says. */
  refuse: (event: ReceivedEvent['event']) => boolean = () => false;
  private server?: Server;

  async listen(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const event = JSON.parse(body) as ReceivedEvent['event'];
        this.deliveries.push({ body, headers: req.headers, event });
        const next = this.refuse(event) ? 500 : (this.script.shift() ?? 204);
        if (next !== 'hang') res.writeHead(next).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/events`;
  }

  /** Deliveries answered 2xx, that is, the events as the app saw them accepted (by the script's count). */
  async waitFor(predicate: (deliveries: ReceivedEvent[]) => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this.deliveries)) {
      if (Date.now() > deadline) throw new Error(`Events did not arrive: ${this.deliveries.map((d) => d.event.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** What a receiver does with X-Signature (the README shows the same few lines). */
export function verifySignature(secret: string, header: string | undefined, body: string, toleranceSeconds = 300): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  if (Math.abs(Date.now() / 1000 - Number(match[1])) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}
