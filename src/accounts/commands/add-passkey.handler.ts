import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { PASSKEY_REMOVED } from '../domain/account.events.js';
import { AccountCredentialNotFoundError } from '../domain/account.errors.js';
import { AddPasskeyCommand, RemovePasskeyCommand } from './add-passkey.command.js';
import { type AccountCommandResult, appendAccountEvents, loadLiveAccount } from './account-stream.js';
import { passkeyAddedEvent } from './credential-events.js';

/** At most one entry per credential id on an account: adding one it has is refused. */
@CommandHandler(AddPasskeyCommand)
export class AddPasskeyHandler implements ICommandHandler<AddPasskeyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute({ accountId, credential, context }: AddPasskeyCommand): Promise<AccountCommandResult> {
    const { account, revision } = await loadLiveAccount(this.store, accountId);
    const event = passkeyAddedEvent(credential, account.passkeys, this.clock.now());
    return appendAccountEvents(this.store, accountId, revision, [event], context);
  }
}

@CommandHandler(RemovePasskeyCommand)
export class RemovePasskeyHandler implements ICommandHandler<RemovePasskeyCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ accountId, credentialId, context }: RemovePasskeyCommand): Promise<AccountCommandResult> {
    const { account, revision } = await loadLiveAccount(this.store, accountId);
    if (!account.passkeys.some((p) => p.credentialId === credentialId)) throw new AccountCredentialNotFoundError(accountId, `passkey "${credentialId}"`);
    return appendAccountEvents(this.store, accountId, revision, [{ type: PASSKEY_REMOVED, data: { credentialId } }], context);
  }
}
