import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { CreatedAccount } from './account-creation.js';
import type { FirstCredentials } from './credential-events.js';

export interface BootstrapProfile {
  login: string;
  name: string;
  email?: string | null;
}

/**
 * Uses a first-run bootstrap link to create the first administrator with their first
 * credentials. Throws SetupLinkInvalidError, AccountLoginTakenError, InvalidAccountInputError.
 */
export class CompleteBootstrapCommand extends Command<CreatedAccount> {
  constructor(
    readonly token: string,
    readonly profile: BootstrapProfile,
    readonly credentials: FirstCredentials,
    readonly context: CommandContext,
  ) {
    super();
  }
}
