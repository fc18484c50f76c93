import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { Identity } from '../../policy/identity.js';

/** The approver's answer: the number they picked, or a plain no. */
export type ApprovalAnswer = { kind: 'number'; number: number } | { kind: 'deny' };

export type ApprovalOutcome = 'granted' | 'denied' | 'wrong_number';

/**
 * A person on a tailnet device answers a pending approval. Throws ApprovalNotPendingError when it
 * is not pending (expired, already answered, unknown).
 */
export class AnswerApprovalCommand extends Command<ApprovalOutcome> {
  constructor(
    readonly approvalId: string,
    readonly answer: ApprovalAnswer,
    /** Who answers, as the network identified them (never a sign-in session). */
    readonly approver: Identity,
    readonly context: CommandContext,
  ) {
    super();
  }
}
