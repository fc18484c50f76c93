import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { AccountCommandResult } from './account-stream.js';

/** Deletes an account for good and releases its login name; its id is never used again. */
export class DeleteAccountCommand extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
