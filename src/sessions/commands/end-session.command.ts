import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { SessionEndReason } from '../domain/session.events.js';

/**
 * Ends a session. Idempotent: ending an unknown or already ended session writes nothing and
 * answers `ended: false` with no position.
 */
export class EndSessionCommand extends Command<{ ended: boolean; position: Position | null }> {
  constructor(
    readonly sessionId: string,
    readonly reason: SessionEndReason,
    readonly context: CommandContext,
  ) {
    super();
  }
}
