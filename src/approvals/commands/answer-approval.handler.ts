import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { recordedIdentityOf } from '../../policy/identity-snapshot.js';
import { ApprovalNotPendingError } from '../domain/approval.errors.js';
import { APPROVAL_DENIED, APPROVAL_GRANTED, type ApprovalDenied, type ApprovalGranted, approvalStream } from '../domain/approval.events.js';
import { approvalEvolver, approvalStatus } from '../domain/approval.evolver.js';
import { AnswerApprovalCommand, type ApprovalOutcome } from './answer-approval.command.js';

@CommandHandler(AnswerApprovalCommand)
export class AnswerApprovalHandler implements ICommandHandler<AnswerApprovalCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /**
   * One decision per approval: it is appended at the revision loaded while pending, so of two
   * answers (two tabs, two devices, two replicas) only the first is written; the other finds the
   * approval answered. A wrong number denies the request for good: the person is looking at a
   * request they did not make (phishing), or guessing, and neither may be retried.
   */
  async execute({ approvalId, answer, approver, context }: AnswerApprovalCommand): Promise<ApprovalOutcome> {
    const stream = approvalStream(approvalId);
    const loaded = await loadAggregate(this.store, stream, approvalEvolver);
    const now = this.clock.now();
    const status = approvalStatus(loaded.state, now);
    if (status !== 'pending') throw new ApprovalNotPendingError(status);
    const outcome: ApprovalOutcome = answer.kind === 'deny' ? 'denied' : answer.number === loaded.state.requested!.number ? 'granted' : 'wrong_number';
    const event =
      outcome === 'granted'
        ? { type: APPROVAL_GRANTED, data: { subject: approver.subject, identity: recordedIdentityOf(approver), approvedAt: now } satisfies ApprovalGranted }
        : { type: APPROVAL_DENIED, data: { reason: outcome, subject: approver.subject, deniedAt: now } satisfies ApprovalDenied };
    try {
      await appendDecision(this.store, stream, loaded, [event], context);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      throw new ApprovalNotPendingError(approvalStatus((await loadAggregate(this.store, stream, approvalEvolver, loaded)).state, now));
    }
    return outcome;
  }
}
