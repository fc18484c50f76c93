import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { CreatedAccount, NewAccountInput } from './account-creation.js';

/**
 * Creates a local account with no credential yet (an administrator then issues a setup link, or
 * sets a password). Throws AccountLoginTakenError, InvalidAccountInputError.
 */
export class CreateAccountCommand extends Command<CreatedAccount> {
  constructor(
    readonly input: NewAccountInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
