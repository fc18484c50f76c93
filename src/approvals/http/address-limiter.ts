import { SlidingWindow } from '../../common/rate-limit/sliding-window.js';

/** How many attempts one address gets per window, and how many addresses are tracked at most. */
export interface LimiterBudget {
  attempts: number;
  windowMs: number;
  maxAddresses: number;
}

/**
 * Attempts per client address in a sliding window (the shared SlidingWindow counter), in memory:
 * each replica counts on its own, which multiplies the budget by the number of replicas and
 * changes nothing about its order of magnitude. When full, the address counted least recently is
 * forgotten first.
 */
export class AddressLimiter {
  private readonly window: SlidingWindow;

  constructor(
    budget: LimiterBudget,
    private readonly now: () => number,
  ) {
    this.window = new SlidingWindow({ limit: budget.attempts, windowMs: budget.windowMs, maxKeys: budget.maxAddresses });
  }

  /** Seconds until `address` may try again, or 0 if it may now. */
  retryAfter(address: string): number {
    return this.window.retryAfterSeconds(address, this.now());
  }

  /** Counts one attempt of `address`. */
  spend(address: string): void {
    this.window.record(address, this.now());
  }
}
