import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { ACCOUNT_DISABLED, ACCOUNT_ENABLED } from '../domain/account.events.js';
import { InvalidAccountInputError } from '../domain/account.errors.js';
import { type AccountCommandResult, appendAccountEvents, loadLiveAccount } from './account-stream.js';
import { DisableAccountCommand, EnableAccountCommand } from './disable-account.command.js';

const MAX_REASON_LENGTH = 500;

/** Disabling a disabled account (or enabling an enabled one) appends nothing. */
@CommandHandler(DisableAccountCommand)
export class DisableAccountHandler implements ICommandHandler<DisableAccountCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ accountId, reason, context }: DisableAccountCommand): Promise<AccountCommandResult> {
    if (reason !== null && (typeof reason !== 'string' || reason.length > MAX_REASON_LENGTH)) {
      throw new InvalidAccountInputError('reason', `must be at most ${MAX_REASON_LENGTH} characters`);
    }
    const { account, revision } = await loadLiveAccount(this.store, accountId);
    const events = account.disabled ? [] : [{ type: ACCOUNT_DISABLED, data: { reason } }];
    return appendAccountEvents(this.store, accountId, revision, events, context);
  }
}

@CommandHandler(EnableAccountCommand)
export class EnableAccountHandler implements ICommandHandler<EnableAccountCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ accountId, context }: EnableAccountCommand): Promise<AccountCommandResult> {
    const { account, revision } = await loadLiveAccount(this.store, accountId);
    const events = account.disabled ? [{ type: ACCOUNT_ENABLED, data: {} }] : [];
    return appendAccountEvents(this.store, accountId, revision, events, context);
  }
}
