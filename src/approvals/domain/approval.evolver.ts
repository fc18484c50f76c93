import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import {
  APPROVAL_DENIED,
  APPROVAL_GRANTED,
  APPROVAL_REDEEMED,
  APPROVAL_REQUESTED,
  type ApprovalDenied,
  type ApprovalGranted,
  type ApprovalRequested,
} from './approval.events.js';

export interface ApprovalState {
  requested: ApprovalRequested | null;
  /** The first decision wins: commands append at the loaded revision, so there is only one. */
  granted: ApprovalGranted | null;
  denied: ApprovalDenied | null;
  redeemed: boolean;
}

export const approvalEvolver: Evolver<ApprovalState> = {
  initial: { requested: null, granted: null, denied: null, redeemed: false },
  evolve(state, event: RecordedEvent) {
    switch (event.type) {
      case APPROVAL_REQUESTED:
        return { ...state, requested: event.data as ApprovalRequested };
      case APPROVAL_GRANTED:
        return (state.granted ?? state.denied) !== null ? state : { ...state, granted: event.data as ApprovalGranted };
      case APPROVAL_DENIED:
        return (state.granted ?? state.denied) !== null ? state : { ...state, denied: event.data as ApprovalDenied };
      case APPROVAL_REDEEMED:
        return { ...state, redeemed: true };
      default:
        return state;
    }
  },
};

/**
 * Where an approval stands at `now`: `unknown` (no such code), `pending` (waiting for the
 * approver), `granted` (the waiting browser may redeem it), `denied`, `redeemed`, or `expired`.
 * Expiry applies to the whole life of the approval: a grant not redeemed within the lifetime is
 * as dead as a code nobody entered, so a forgotten tab cannot sign in hours later.
 */
export type ApprovalStatus = 'unknown' | 'pending' | 'granted' | 'denied' | 'redeemed' | 'expired';

export function approvalStatus(state: ApprovalState, now: number): ApprovalStatus {
  if (state.requested === null) return 'unknown';
  if (state.redeemed) return 'redeemed';
  if (state.denied !== null) return 'denied';
  if (now >= state.requested.expiresAt) return 'expired';
  return state.granted !== null ? 'granted' : 'pending';
}
