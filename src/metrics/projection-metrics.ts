import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { ReadinessService, type ReadinessReport } from '../health/readiness.service.js';
import { MetricsRegistry } from './metrics-registry.js';

/**
 * Projection lag, checkpoint, caught-up and failed, and whether the store answers: read from the
 * readiness report when Prometheus scrapes (collect callbacks), so no timer polls between
 * scrapes, and /metrics says exactly what /readyz would at that moment. The gauges of one scrape
 * share one report (its collect callbacks start together).
 */
@Injectable()
export class ProjectionMetrics {
  private pending: Promise<ReadinessReport> | null = null;

  constructor(
    registry: MetricsRegistry,
    private readonly readiness: ReadinessService,
  ) {
    const registers = [registry];
    const perProjection = (name: string, help: string, value: (projection: ReadinessReport['projections'][number]) => number | null) => {
      const gauge: Gauge<'projection'> = new Gauge({
        name,
        help,
        labelNames: ['projection'],
        registers,
        collect: async () => {
          const report = await this.report();
          gauge.reset();
          for (const projection of report.projections) {
            const measured = value(projection);
            if (measured !== null) gauge.set({ projection: projection.name }, measured);
          }
        },
      });
    };
    perProjection('meshid_projection_lag_seconds', 'How long the newest event in the log has waited for this projection (0 when it has it)', (p) => p.lagMs / 1000);
    perProjection('meshid_projection_checkpoint', 'Commit position in $all of the last event this projection committed (absent before its first)', (p) =>
      p.checkpoint === null ? null : Number(p.checkpoint.split('/')[0]),
    );
    perProjection('meshid_projection_caught_up', '1 when the projection has applied the whole log and follows it live', (p) => (p.caughtUp ? 1 : 0));
    perProjection('meshid_projection_failed', '1 when the projection stopped on an error (see /readyz)', (p) => (p.error === undefined ? 0 : 1));
    const reachable: Gauge = new Gauge({
      name: 'meshid_event_store_reachable',
      help: '1 when the event store answered the readiness probe of this scrape',
      registers,
      collect: async () => reachable.set((await this.report()).eventStore.reachable ? 1 : 0),
    });
  }

  /** One readiness check for all the gauges of a scrape (and for concurrent scrapes). */
  private report(): Promise<ReadinessReport> {
    this.pending ??= this.readiness.check().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }
}
