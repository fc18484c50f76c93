import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore, formatPosition } from '#event-store';
import type { ReadModelDatabase } from '#projections';
import { ProjectionsService } from './projections.service.js';
import { READ_MODEL_DATABASE } from './storage.tokens.js';

/**
 * Shuts storage down in the one safe order: projections stop at a committed checkpoint first,
 * then the store closes (ending any subscription left), then the read-model database.
 */
@Injectable()
export class StorageLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Storage');

  constructor(
    private readonly projections: ProjectionsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase,
  ) {}

  async onApplicationShutdown(): Promise<void> {
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
