import { Injectable } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry.js';

export type EventStoreOperation = 'append' | 'read_stream' | 'read_all' | 'set_stream_max_age' | 'delete_stream' | 'compact';

/** How long the event store takes, by operation and outcome (see TimedEventStore for what is timed). */
@Injectable()
export class EventStoreMetrics {
  private readonly duration: Histogram<'operation' | 'outcome'>;

  constructor(registry: MetricsRegistry) {
    this.duration = new Histogram({
      name: 'meshid_event_store_operation_duration_seconds',
      help: 'Time spent in the event store, by operation and outcome (ok or error)',
      labelNames: ['operation', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  }

  observe(operation: EventStoreOperation, outcome: 'ok' | 'error', seconds: number): void {
    this.duration.observe({ operation, outcome }, seconds);
  }
}
