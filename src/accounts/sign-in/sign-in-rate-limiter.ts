import { SlidingWindow } from '../../common/rate-limit/sliding-window.js';

/** Failures that lock an account out for the rest of the window... */
export const ACCOUNT_FAILURE_LIMIT = 5;
/** ...and an address. */
export const ADDRESS_FAILURE_LIMIT = 20;
export const FAILURE_WINDOW_MS = 15 * 60_000;
/** Keys tracked at most (oldest first out), so a flood of addresses cannot grow memory without bound. */
const MAX_TRACKED = 50_000;

/**
 * Failed sign-ins in a sliding window, per key (an account id, an address): the shared
 * SlidingWindow counter, counting failures only. IN MEMORY, PER PROCESS: each replica counts its
 * own failures, so with n replicas behind a balancer an attacker gets up to n times the limit,
 * and a restart forgets. Good enough to make online guessing slow (scrypt makes each guess cost
 * anyway); a shared limiter would need a shared store on the hot path.
 */
export class FailureWindow {
  private readonly window: SlidingWindow;

  constructor(limit: number, windowMs = FAILURE_WINDOW_MS) {
    this.window = new SlidingWindow({ limit, windowMs, maxKeys: MAX_TRACKED });
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfterSeconds(key: string, now: number): number {
    return this.window.retryAfterSeconds(key, now);
  }

  record(key: string, now: number): void {
    this.window.record(key, now);
  }

  /** A success clears the key's failures (a person who got in is not a guesser). */
  clear(key: string): void {
    this.window.clear(key);
  }
}
