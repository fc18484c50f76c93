import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { hashPassword, passwordPolicyViolation } from '../credentials/password-hash.js';
import { PASSWORD_REMOVED, PASSWORD_SET } from '../domain/account.events.js';
import { AccountCredentialNotFoundError, InvalidAccountInputError } from '../domain/account.errors.js';
import { type AccountCommandResult, appendAccountEvents, loadLiveAccount } from './account-stream.js';
import { RemovePasswordCommand, SetPasswordCommand } from './set-password.command.js';

@CommandHandler(SetPasswordCommand)
export class SetPasswordHandler implements ICommandHandler<SetPasswordCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ accountId, password, context }: SetPasswordCommand): Promise<AccountCommandResult> {
    const violation = passwordPolicyViolation(password);
    if (violation !== null) throw new InvalidAccountInputError('password', violation);
    const { revision } = await loadLiveAccount(this.store, accountId);
    const hash = await hashPassword(password);
    return appendAccountEvents(this.store, accountId, revision, [{ type: PASSWORD_SET, data: { hash } }], context);
  }
}

@CommandHandler(RemovePasswordCommand)
export class RemovePasswordHandler implements ICommandHandler<RemovePasswordCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ accountId, context }: RemovePasswordCommand): Promise<AccountCommandResult> {
    const { account, revision } = await loadLiveAccount(this.store, accountId);
    if (account.passwordHash === null) throw new AccountCredentialNotFoundError(accountId, 'password');
    return appendAccountEvents(this.store, accountId, revision, [{ type: PASSWORD_REMOVED, data: {} }], context);
  }
}
