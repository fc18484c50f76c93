import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { EVENT_STORE, type EventStore, type Position } from '#event-store';
import { type Projection, ProjectionRunner, type ReadModelDatabase } from '#projections';
import { ProjectionSupervisor } from './projection-supervisor.js';
import { StorageHealth } from './storage-health.js';
import { READ_MODEL_DATABASE, ReadModelProjection } from './storage.tokens.js';

/**
 * Runs every projection registered with `@ReadModelProjection()`. The server starts serving while
 * projections catch up; `/readyz` says when they are live, and `waitFor` gives a command's caller
 * read-your-writes on the position its append returned. A projection stopped by a transient fault
 * (store gone, disk full) is restarted from its checkpoint by the `ProjectionSupervisor`.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Projections');
  private runner!: ProjectionRunner;
  private supervisor: ProjectionSupervisor | null = null;
  private registered: readonly Projection[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase,
    private readonly health: StorageHealth,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const projections = this.discovery
      .getProviders({ metadataKey: ReadModelProjection.KEY })
      .map((wrapper) => wrapper.instance as Projection);
    this.registered = projections;
    this.runner = new ProjectionRunner(this.store, this.readModels.db, projections);
    await this.runner.start({ waitForCatchUp: false });
    this.supervisor = new ProjectionSupervisor(this.runner, this.logger, { reportFault: (error) => this.health.report(error) });
    this.supervisor.start();
    this.health.onRecovered(() => this.supervisor?.retrySoon());
    this.logger.log(`following the log with ${projections.map((p) => p.name).join(', ') || 'no projections'}`);
  }

  /**
   * Resolves once every projection has reached the log's head as of this call (a failed one
   * rejects at once, a slow one after `timeoutMs` naming it).
   */
  async caughtUp(timeoutMs = 60_000): Promise<void> {
    for await (const head of this.store.readAll({ direction: 'backwards', maxCount: 1 })) {
      await this.runner.waitFor(head.position, timeoutMs);
    }
  }

  /** See ProjectionRunner.waitFor: `names` limits the wait to the projections a write concerns. */
  waitFor(position: Position, timeoutMs: number, names?: readonly string[]): Promise<void> {
    return this.runner.waitFor(position, timeoutMs, names);
  }

  /** Every projection this application runs (for replaying the log into a scratch database). */
  projections(): readonly Projection[] {
    return this.registered;
  }

  status() {
    return this.runner.status();
  }

  readiness() {
    return this.runner.readiness();
  }

  rebuild(name: string): Promise<void> {
    return this.runner.rebuild(name);
  }

  stop(): Promise<void> {
    this.supervisor?.stop();
    return this.runner?.stop() ?? Promise.resolve();
  }
}
