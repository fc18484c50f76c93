import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore, formatPosition } from '#event-store';
import type { ReadModelDatabase } from '#projections';
import { ProjectionsService } from './projections.service.js';
import { StorageHealth } from './storage-health.js';
import { READ_MODEL_DATABASE } from './storage.tokens.js';

/**
 * Shuts storage down in the one safe order: health probes stop, projections stop at a committed checkpoint,
 * then the store closes (ending any subscription left), then the read-model database.
 */
@Injectable()
export class StorageLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Storage');

  constructor(
    private readonly projections: ProjectionsService,
    private readonly health: StorageHealth,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // Closing is no fault: probes stop before the store goes.
    this.health.stop();
    await this.projections.stop();
    const checkpoints = this.checkpoints();
    await this.store.close();
    this.readModels.close();
    this.logger.log(`projections stopped at their checkpoints (${checkpoints || 'no projections'}); event store and read models closed`);
  }

  /** Where each projection stopped, as committed with its rows: where it resumes at the next start. */
  private checkpoints(): string {
    try {
      return this.projections
        .status()
        .map((status) => `${status.name} ${status.checkpoint === null ? 'none' : formatPosition(status.checkpoint)}`)
        .join(', ');
    } catch {
      return ''; // never started (the application failed before bootstrap)
    }
  }
}
