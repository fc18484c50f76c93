import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { ApprovalNotRedeemableError } from '../domain/approval.errors.js';
import { APPROVAL_REDEEMED, type ApprovalRedeemed, approvalStream } from '../domain/approval.events.js';
import { approvalEvolver, approvalStatus } from '../domain/approval.evolver.js';
import { RedeemApprovalCommand, type RedeemedApproval } from './redeem-approval.command.js';

@CommandHandler(RedeemApprovalCommand)
export class RedeemApprovalHandler implements ICommandHandler<RedeemApprovalCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  /**
   * Single use: ApprovalRedeemed is appended at the revision loaded while granted, so of two
   * concurrent redemptions (two tabs, two replicas) exactly one signs the browser in; the other
   * fails as `redeemed`. The browser's secret is checked first, in constant time: another
   * browser that learnt the code (it is shown on screen) cannot take the sign-in.
   */
  async execute({ approvalId, browserSecret, clientId, context }: RedeemApprovalCommand): Promise<RedeemedApproval> {
    const stream = approvalStream(approvalId);
    const loaded = await loadAggregate(this.store, stream, approvalEvolver);
    const { requested, granted } = loaded.state;
    if (requested === null) throw new ApprovalNotRedeemableError('unknown');
    if (!this.hasher.matches(browserSecret, requested.browserSecretDigest) || requested.clientId !== clientId) {
      throw new ApprovalNotRedeemableError('other_browser');
    }
    const now = this.clock.now();
    const status = approvalStatus(loaded.state, now);
    if (status !== 'granted') throw new ApprovalNotRedeemableError(status);
    try {
      await appendDecision(this.store, stream, loaded, [{ type: APPROVAL_REDEEMED, data: { at: now } satisfies ApprovalRedeemed }], context);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ApprovalNotRedeemableError('redeemed');
      throw error;
    }
    return { subject: granted!.subject, identity: granted!.identity };
  }
}
