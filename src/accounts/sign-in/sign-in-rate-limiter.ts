/** Failures that lock an account out for the rest of the window... */
export const ACCOUNT_FAILURE_LIMIT = 5;
/** ...and an address. */
export const ADDRESS_FAILURE_LIMIT = 20;
export const FAILURE_WINDOW_MS = 15 * 60_000;
/** Keys tracked at most (oldest first out), so a flood of addresses cannot grow memory without bound. */
const MAX_TRACKED = 50_000;

/**
 * Failed sign-ins in a sliding window, per key (an account id, an address). IN MEMORY, PER
 * PROCESS: each replica counts its own failures, so with n replicas behind a balancer an attacker
 * gets up to n times the limit, and a restart forgets. Good enough to make online guessing slow
 * (scrypt makes each guess cost anyway); a shared limiter would need a shared store on the hot path.
 */
export class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = FAILURE_WINDOW_MS,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfterSeconds(key: string, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.limit]! + this.windowMs - now) / 1000));
  }

  record(key: string, now: number): void {
    const recent = this.recent(key, now);
    recent.push(now);
    this.failures.delete(key);
    this.failures.set(key, recent.slice(-this.limit));
    if (this.failures.size > MAX_TRACKED) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A success clears the key's failures (a person who got in is not a guesser). */
  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
  }
}
