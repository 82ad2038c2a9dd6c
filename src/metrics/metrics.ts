import { Injectable } from '@nestjs/common';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { OutboxStore } from '../events/outbox.store';

/**
 * Every metric the service keeps, in one registry of its own (not prom-client's global one, so
 * two applications in one process, as in tests, never share counters). Labels stay bounded: routes
 * are templates, bases are ids.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by route template and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly httpDuration = new Histogram({ name: 'http_request_duration_seconds', help: 'Time to answer an HTTP request', labelNames: ['method', 'route'], registers: [this.registry], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
  readonly airtableRequests = new Counter({ name: 'airtable_requests_total', help: 'Calls to the Airtable Web API, by endpoint and status (or error)', labelNames: ['endpoint', 'status'], registers: [this.registry] });
  readonly airtableDuration = new Histogram({ name: 'airtable_request_duration_seconds', help: 'Time an Airtable call took', labelNames: ['endpoint'], registers: [this.registry], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
  readonly rateLimited = new Counter({ name: 'airtable_rate_limited_total', help: "Airtable's 429s per base; each locks the base out for 30 s", labelNames: ['base'], registers: [this.registry] });
  readonly pacerWait = new Histogram({ name: 'airtable_pacer_wait_seconds', help: "How long calls waited for their base's turn", registers: [this.registry], buckets: [0, 0.05, 0.1, 0.25, 0.5, 1, 2, 5] });
  readonly pacerRefused = new Counter({ name: 'airtable_pacer_refused_total', help: 'Calls refused locally (queue too long, or the base locked out), per base', labelNames: ['base'], registers: [this.registry] });
  readonly accessTokensGiven = new Counter({ name: 'access_tokens_given_total', help: 'Access tokens handed to a backend (POST /api/connections/:id/access-token)', registers: [this.registry] });
  readonly refreshes = new Counter({ name: 'token_refreshes_total', help: 'Token refreshes by outcome', labelNames: ['outcome'], registers: [this.registry] });

  readonly webhookPings = new Counter({ name: 'webhook_pings_total', help: "Airtable's webhook notifications, by result (accepted, refused)", labelNames: ['result'], registers: [this.registry] });
  readonly webhookPayloads = new Counter({ name: 'webhook_payloads_forwarded_total', help: 'Webhook payloads read from Airtable and put in the outbox', registers: [this.registry] });
  readonly webhookRefreshes = new Counter({ name: 'webhook_refreshes_total', help: 'Webhook refreshes by outcome (refreshed, failed, expired)', labelNames: ['outcome'], registers: [this.registry] });

  constructor(outbox: OutboxStore) {
    collectDefaultMetrics({ register: this.registry });
    let depth: { count: number; oldestAgeMs?: number } | undefined;
    // Read once per scrape, for both gauges.
    new Gauge({
      name: 'events_outbox_depth',
      help: 'Events waiting for delivery',
      registers: [this.registry],
      async collect() {
        depth = await outbox.depth().catch(() => undefined);
        this.set(depth?.count ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'events_outbox_oldest_age_seconds',
      help: 'How long the oldest waiting event has waited',
      registers: [this.registry],
      collect() {
        this.set((depth?.oldestAgeMs ?? 0) / 1000);
      },
    });
  }
}
