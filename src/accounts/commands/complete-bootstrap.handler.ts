import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision, type CommandContext, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { ACCOUNTS_BOOTSTRAP_STREAM, BOOTSTRAP_COMPLETED } from '../domain/account.events.js';
import { SetupLinkInvalidError } from '../domain/account.errors.js';
import { bootstrapEvolver } from '../domain/bootstrap.evolver.js';
import { parseSetupToken } from '../domain/setup-link-token.js';
import { isOpenBootstrapLink } from '../setup/setup-link-checks.js';
import { AccountCreator, type CreatedAccount } from './account-creation.js';
import { CompleteBootstrapCommand } from './complete-bootstrap.command.js';
import { firstCredentialEvents } from './credential-events.js';

/** Loads of the bootstrap stream before giving up on the gate. */
const MAX_ROUNDS = 3;

/**
 * Gate: BootstrapCompleted at the bootstrap stream's loaded revision; of two uses of open links,
 * exactly one creates an administrator (a completion ends every open link). The login is claimed
 * before the gate (so a taken login does not burn the link) and given up again if the gate is lost.
 */
@CommandHandler(CompleteBootstrapCommand)
export class CompleteBootstrapHandler implements ICommandHandler<CompleteBootstrapCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly creator: AccountCreator,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  async execute({ token, profile, credentials, context }: CompleteBootstrapCommand): Promise<CreatedAccount> {
    const parsed = parseSetupToken(token);
    if (parsed?.kind !== 'bootstrap' || !(await this.linkIsOpen(parsed.token))) throw new SetupLinkInvalidError();
    const firstCredentials = await firstCredentialEvents(credentials, this.clock.now());
    const claimed = await this.creator.claim({ ...profile, emailVerified: false, admin: true }, context);
    if (!(await this.passGate(parsed.token, claimed.accountId, context))) {
      await this.creator.abandon(claimed, context);
      throw new SetupLinkInvalidError();
    }
    return this.creator.commit(claimed, firstCredentials, context);
  }

  private async linkIsOpen(token: string): Promise<boolean> {
    const { state } = await loadAggregate(this.store, ACCOUNTS_BOOTSTRAP_STREAM, bootstrapEvolver);
    return isOpenBootstrapLink(state, token, this.hasher, this.clock.now());
  }

  /** BootstrapCompleted at the revision the link was found open at; a conflict (another start issuing a link) is checked again. */
  private async passGate(token: string, accountId: string, context: CommandContext): Promise<boolean> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { state, revision } = await loadAggregate(this.store, ACCOUNTS_BOOTSTRAP_STREAM, bootstrapEvolver);
      if (!isOpenBootstrapLink(state, token, this.hasher, this.clock.now())) return false;
      try {
        await appendDecision(this.store, ACCOUNTS_BOOTSTRAP_STREAM, { revision }, [{ type: BOOTSTRAP_COMPLETED, data: { accountId } }], context);
        return true;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
    return false;
  }
}
