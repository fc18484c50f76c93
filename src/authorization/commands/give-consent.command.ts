import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';

/** Remembers that `subject` allowed `clientId` the scopes of `scope` (the consent page's Allow). */
export class GiveConsentCommand extends Command<{ position: Position }> {
  constructor(
    readonly subject: string,
    readonly clientId: string,
    readonly scope: readonly string[],
    readonly context: CommandContext,
  ) {
    super();
  }
}
