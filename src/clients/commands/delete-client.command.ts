import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { ClientCommandResult } from './client-stream.js';

/**
 * Deletes a client for good: its stream keeps ClientDeleted, every later command on it answers
 * "unknown client", and its id can never be registered again (the stream exists).
 */
export class DeleteClientCommand extends Command<ClientCommandResult> {
  constructor(
    readonly clientId: string,
    readonly context: CommandContext,
    readonly expectedRevision?: bigint,
  ) {
    super();
  }
}
