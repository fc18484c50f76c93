import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { PasskeyCredential } from '../credentials/passkey-credential.js';
import type { AccountCommandResult } from './account-stream.js';

/** Adds a passkey verified by AccountSignIn.verifyPasskeyRegistration. */
export class AddPasskeyCommand extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly credential: PasskeyCredential,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class RemovePasskeyCommand extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly credentialId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
