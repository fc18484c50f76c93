import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry.js';

const LABELS = ['method', 'route', 'status_code'] as const;

/**
 * Requests and their latency by method, route and status. `route` is the pattern the router
 * matched (`/api/v1/clients/:id`) or `unmatched`, never the URL as sent: that would put codes and
 * tokens from query strings into the metrics, and give every path probed its own time series.
 */
@Injectable()
export class HttpMetrics {
  private readonly requests: Counter<(typeof LABELS)[number]>;
  private readonly duration: Histogram<(typeof LABELS)[number]>;

  constructor(registry: MetricsRegistry) {
    this.requests = new Counter({ name: 'meshid_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status code', labelNames: LABELS, registers: [registry] });
    this.duration = new Histogram({
      name: 'meshid_http_request_duration_seconds',
      help: 'Time from receiving a request to having answered it, by method, route pattern and status code',
      labelNames: LABELS,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  observe(method: string, route: string, statusCode: number, seconds: number): void {
    const labels = { method, route, status_code: String(statusCode) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }
}
