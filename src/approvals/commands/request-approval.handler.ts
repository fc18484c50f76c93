import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { newApprovalCode, newApprovalNumber } from '../domain/approval-code.js';
import { APPROVAL_LIFETIME_MS, APPROVAL_REQUESTED, type ApprovalRequested, approvalStream } from '../domain/approval.events.js';
import { approvalIdOf } from '../domain/approval-id.js';
import { browserSummary } from '../domain/browser-summary.js';
import { RequestApprovalCommand, type RequestedApproval } from './request-approval.command.js';

/** A code collides with one ever handed out about once in 10^12 times; three tries are plenty. */
const ATTEMPTS = 3;

@CommandHandler(RequestApprovalCommand)
export class RequestApprovalHandler implements ICommandHandler<RequestApprovalCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  /**
   * The stream is created with `no_stream`: a code whose stream exists (in use, or used before)
   * is never handed out again, in this process or another; a fresh code is drawn instead.
   */
  async execute({ request, context }: RequestApprovalCommand): Promise<RequestedApproval> {
    const browserSecret = SecretHasher.generate();
    const number = newApprovalNumber();
    const requestedAt = this.clock.now();
    const data: ApprovalRequested = {
      browserSecretDigest: this.hasher.digest(browserSecret),
      number,
      clientId: request.clientId,
      clientName: request.clientName,
      browser: browserSummary(request.userAgent),
      ip: request.ip,
      requestedAt,
      expiresAt: requestedAt + APPROVAL_LIFETIME_MS,
    };
    for (let attempt = 1; ; attempt++) {
      const code = newApprovalCode();
      const approvalId = approvalIdOf(this.hasher, code);
      try {
        await appendDecision(this.store, approvalStream(approvalId), { revision: undefined }, [{ type: APPROVAL_REQUESTED, data }], context);
        return { approvalId, code, number, browserSecret, expiresAt: data.expiresAt };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= ATTEMPTS) throw error;
      }
    }
  }
}
