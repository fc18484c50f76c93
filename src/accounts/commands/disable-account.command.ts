import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { AccountCommandResult } from './account-stream.js';

/** A disabled account cannot sign in, and its sessions stop recognising it (AccountSessionResolver). */
export class DisableAccountCommand extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly reason: string | null,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class EnableAccountCommand extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
