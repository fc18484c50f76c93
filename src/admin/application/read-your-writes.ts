import { Injectable, Logger } from '@nestjs/common';
import { formatPosition, type Position } from '#event-store';
import { ProjectionsService } from '../../storage/projections.service.js';

/** How long an admin answer waits for the read models to apply its own write. */
const READ_YOUR_WRITES_MS = 5000;

/**
 * DESIGN §1: the admin API waits, bounded, until the projections reach the position its command
 * returned, so what it just did is visible in its answer and on the next request. A timeout does
 * not fail the call: the change is in the log and the read model will apply it.
 */
@Injectable()
export class ReadYourWrites {
  private readonly logger = new Logger('Admin');

  constructor(private readonly projections: ProjectionsService) {}

  async settle(position: Position | null | undefined, projections: readonly string[]): Promise<void> {
    if (position === null || position === undefined) return;
    try {
      await this.projections.waitFor(position, READ_YOUR_WRITES_MS, projections);
    } catch (error) {
      this.logger.warn(`read models ${projections.join(', ')} have not applied position ${formatPosition(position)} yet: ${(error as Error).message}`);
    }
  }
}
