import type { ApprovalStatus } from './approval.evolver.js';

/** The approver answered a request that is no longer waiting for an answer (expired, answered, used). */
export class ApprovalNotPendingError extends Error {
  constructor(readonly status: ApprovalStatus) {
    super(`the approval is ${status}, not pending`);
    this.name = 'ApprovalNotPendingError';
  }
}

/**
 * The waiting browser cannot be signed in with this approval: it is not the browser that asked
 * (`other_browser`, also for another application's request), or the approval is not granted.
 */
export class ApprovalNotRedeemableError extends Error {
  constructor(readonly reason: Exclude<ApprovalStatus, 'granted'> | 'other_browser') {
    super(`the approval cannot be redeemed: ${reason}`);
    this.name = 'ApprovalNotRedeemableError';
  }
}
