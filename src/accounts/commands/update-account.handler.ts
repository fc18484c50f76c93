import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { ACCOUNT_UPDATED, type AccountUpdated } from '../domain/account.events.js';
import { validEmail, validFlag, validGroups, validName } from '../domain/account-input.js';
import { type AccountCommandResult, appendAccountEvents, loadLiveAccount } from './account-stream.js';
import { UpdateAccountCommand } from './update-account.command.js';

@CommandHandler(UpdateAccountCommand)
export class UpdateAccountHandler implements ICommandHandler<UpdateAccountCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ accountId, changes, expectedRevision, context }: UpdateAccountCommand): Promise<AccountCommandResult> {
    const { account, revision } = await loadLiveAccount(this.store, accountId, expectedRevision);
    const data: AccountUpdated = { accountId };
    if (changes.name !== undefined && validName(changes.name) !== account.name) data.name = validName(changes.name);
    if (changes.email !== undefined && validEmail(changes.email) !== account.email) data.email = validEmail(changes.email);
    if (changes.emailVerified !== undefined && validFlag('emailVerified', changes.emailVerified, false) !== account.emailVerified) data.emailVerified = changes.emailVerified;
    if (changes.groups !== undefined) {
      const groups = validGroups(changes.groups);
      if (JSON.stringify(groups) !== JSON.stringify(account.groups)) data.groups = groups;
    }
    if (changes.admin !== undefined && validFlag('admin', changes.admin, false) !== account.admin) data.admin = changes.admin;
    // No change appends nothing; the empty append still checks the revision.
    const events = Object.keys(data).length > 1 ? [{ type: ACCOUNT_UPDATED, data }] : [];
    return appendAccountEvents(this.store, accountId, revision, events, context);
  }
}
