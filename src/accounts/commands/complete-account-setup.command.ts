import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { AccountCommandResult } from './account-stream.js';
import type { FirstCredentials } from './credential-events.js';

/**
 * Uses an account's setup link to set a password and/or a passkey. Single use: SetupLinkUsed is
 * in the same append, at the revision the link was checked at. Throws SetupLinkInvalidError,
 * InvalidAccountInputError.
 */
export class CompleteAccountSetupCommand extends Command<AccountCommandResult> {
  constructor(
    readonly token: string,
    readonly credentials: FirstCredentials,
    readonly context: CommandContext,
  ) {
    super();
  }
}
