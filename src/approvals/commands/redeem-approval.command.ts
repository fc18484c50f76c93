import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { RecordedIdentity } from '../../policy/identity-snapshot.js';

export interface RedeemedApproval {
  subject: string;
  identity: RecordedIdentity;
}

/**
 * The waiting browser, holding the secret of its cookie, takes the approval granted to it, for
 * the application it asked for. Throws ApprovalNotRedeemableError otherwise.
 */
export class RedeemApprovalCommand extends Command<RedeemedApproval> {
  constructor(
    readonly approvalId: string,
    readonly browserSecret: string,
    readonly clientId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
