import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { AccountCommandResult } from './account-stream.js';

/** Sets (or replaces) the password: 10-1024 characters; only its scrypt hash is stored. */
export class SetPasswordCommand extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly password: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class RemovePasswordCommand extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
