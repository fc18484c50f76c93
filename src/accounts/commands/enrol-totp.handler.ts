import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { matchTotp } from '../credentials/totp.js';
import { TotpSecrets } from '../credentials/totp-enrolments.js';
import { TOTP_ENROLLED, TOTP_REMOVED, type TotpEnrolled } from '../domain/account.events.js';
import { AccountCredentialNotFoundError, TotpEnrolmentRejectedError } from '../domain/account.errors.js';
import { type AccountCommandResult, appendAccountEvents, loadLiveAccount } from './account-stream.js';
import { EnrolTotpCommand, RemoveTotpCommand } from './enrol-totp.command.js';

/** The confirming code's step is recorded, so that code cannot also sign in. */
@CommandHandler(EnrolTotpCommand)
export class EnrolTotpHandler implements ICommandHandler<EnrolTotpCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly secrets: TotpSecrets,
    private readonly clock: Clock,
  ) {}

  async execute({ accountId, enrolmentToken, code, context }: EnrolTotpCommand): Promise<AccountCommandResult> {
    const secret = this.secrets.openEnrolment(enrolmentToken, accountId);
    const { account, revision } = await loadLiveAccount(this.store, accountId);
    const step = typeof code === 'string' ? matchTotp(secret, code, this.clock.now(), account.lastTotpStep) : null;
    if (step === null) throw new TotpEnrolmentRejectedError('wrong_code');
    const data: TotpEnrolled = { secret: this.secrets.seal(secret, accountId), step };
    return appendAccountEvents(this.store, accountId, revision, [{ type: TOTP_ENROLLED, data }], context);
  }
}

@CommandHandler(RemoveTotpCommand)
export class RemoveTotpHandler implements ICommandHandler<RemoveTotpCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ accountId, context }: RemoveTotpCommand): Promise<AccountCommandResult> {
    const { account, revision } = await loadLiveAccount(this.store, accountId);
    if (account.totpSecret === null) throw new AccountCredentialNotFoundError(accountId, 'TOTP');
    return appendAccountEvents(this.store, accountId, revision, [{ type: TOTP_REMOVED, data: {} }], context);
  }
}
