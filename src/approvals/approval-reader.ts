import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../common/clock.js';
import { loadAggregate } from '../common/event-sourcing/aggregate-stream.js';
import { approvalStream } from './domain/approval.events.js';
import { type ApprovalState, type ApprovalStatus, approvalEvolver, approvalStatus } from './domain/approval.evolver.js';

export interface ApprovalView {
  state: ApprovalState;
  status: ApprovalStatus;
}

/**
 * Reads an approval from its own stream: a handful of events, read on the few requests of one
 * sign-in, so no read model is needed and the answer is never stale, whichever replica wrote.
 */
@Injectable()
export class ApprovalReader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async view(approvalId: string): Promise<ApprovalView> {
    const { state } = await loadAggregate(this.store, approvalStream(approvalId), approvalEvolver);
    return { state, status: approvalStatus(state, this.clock.now()) };
  }
}
