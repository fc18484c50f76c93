import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { ACCOUNT_DELETED } from '../domain/account.events.js';
import { type AccountCommandResult, appendAccountEvents, loadLiveAccount } from './account-stream.js';
import { DeleteAccountCommand } from './delete-account.command.js';
import { LoginNameClaims } from './login-name-claims.js';

/**
 * AccountDeleted at the loaded revision, then LoginNameReleased on the name's stream. If the
 * release is lost (crash, race) the name is free anyway: a claim held by a deleted account
 * counts as free (LoginNameClaims).
 */
@CommandHandler(DeleteAccountCommand)
export class DeleteAccountHandler implements ICommandHandler<DeleteAccountCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly claims: LoginNameClaims,
  ) {}

  async execute({ accountId, context }: DeleteAccountCommand): Promise<AccountCommandResult> {
    const { account, revision } = await loadLiveAccount(this.store, accountId);
    const result = await appendAccountEvents(this.store, accountId, revision, [{ type: ACCOUNT_DELETED, data: {} }], context);
    await this.claims.release(account.loginRef, accountId, context);
    return result;
  }
}
