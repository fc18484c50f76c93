import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The Prometheus registry of one application: never prom-client's global default registry,
 * since one process may run several servers (the tests do) and each must count only its own.
 * Holds Node's process metrics (CPU, memory, event-loop lag, GC) besides meshid's. Its
 * `metrics()` is the text exposition format 0.0.4; the projection gauges' collect callbacks run
 * then, at scrape time.
 */
@Injectable()
export class MetricsRegistry extends Registry {
  constructor() {
    super();
    collectDefaultMetrics({ register: this });
  }
}
