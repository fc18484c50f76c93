import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { AccountCommandResult } from './account-stream.js';

/**
 * Enrols the TOTP secret an enrolment token (AccountSignIn.totpEnrolment) offered, confirmed by
 * a current code from the person's app. Throws TotpEnrolmentRejectedError. Replaces an earlier one.
 */
export class EnrolTotpCommand extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly enrolmentToken: string,
    readonly code: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class RemoveTotpCommand extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
