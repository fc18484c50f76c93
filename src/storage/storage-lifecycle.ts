import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
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
    await this.store.close();
    this.readModels.close();
    this.logger.log('projections stopped at their checkpoints; event store and read models closed');
  }
}
