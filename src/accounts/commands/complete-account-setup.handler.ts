import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { SETUP_LINK_USED } from '../domain/account.events.js';
import { AccountNotFoundError, SetupLinkInvalidError, StaleAccountRevisionError } from '../domain/account.errors.js';
import { parseSetupToken } from '../domain/setup-link-token.js';
import { isCurrentSetupLink } from '../setup/setup-link-checks.js';
import { type AccountCommandResult, appendAccountEvents, loadLiveAccount } from './account-stream.js';
import { CompleteAccountSetupCommand } from './complete-account-setup.command.js';
import { checkFirstCredentials, firstCredentialEvents } from './credential-events.js';

/**
 * Gate: SetupLinkUsed and the credentials go in one append at the revision the link was checked
 * at, so of two uses exactly one lands. A conflict with an unrelated append (a sign-in) is
 * retried from a fresh load, where a used link no longer matches.
 */
@CommandHandler(CompleteAccountSetupCommand)
export class CompleteAccountSetupHandler implements ICommandHandler<CompleteAccountSetupCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  async execute({ token, credentials, context }: CompleteAccountSetupCommand): Promise<AccountCommandResult> {
    const parsed = parseSetupToken(token);
    if (parsed?.kind !== 'account') throw new SetupLinkInvalidError();
    checkFirstCredentials(credentials);
    const events = [{ type: SETUP_LINK_USED, data: {} }, ...(await firstCredentialEvents(credentials, this.clock.now()))];
    for (let attempt = 0; ; attempt++) {
      const { account, revision } = await loadLiveAccount(this.store, parsed.accountId).catch((error: unknown) => {
        throw error instanceof AccountNotFoundError ? new SetupLinkInvalidError() : error;
      });
      if (!isCurrentSetupLink(account, parsed.token, this.hasher, this.clock.now())) throw new SetupLinkInvalidError();
      try {
        return await appendAccountEvents(this.store, parsed.accountId, revision, events, context);
      } catch (error) {
        if (!(error instanceof StaleAccountRevisionError) || attempt >= 2) throw error;
      }
    }
  }
}
