/** How many attempts one address gets per window, and how many addresses are tracked at most. */
export interface LimiterBudget {
  attempts: number;
  windowMs: number;
  maxAddresses: number;
}

interface Window {
  startedAt: number;
  used: number;
}

/**
 * A fixed-window counter per client address, in memory (each replica counts on its own, which
 * multiplies the budget by the number of replicas and changes nothing about its order of
 * magnitude). When full, the oldest window is forgotten first.
 */
export class AddressLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly budget: LimiterBudget,
    private readonly now: () => number,
  ) {}

  /** Seconds until `address` may try again, or 0 if it may now. */
  retryAfter(address: string): number {
    const window = this.current(address);
    if (window === undefined || window.used < this.budget.attempts) return 0;
    return Math.max(1, Math.ceil((window.startedAt + this.budget.windowMs - this.now()) / 1000));
  }

  /** Counts one attempt of `address`. */
  spend(address: string): void {
    let window = this.current(address);
    if (window === undefined) {
      if (this.windows.size >= this.budget.maxAddresses) this.windows.delete(this.windows.keys().next().value!);
      window = { startedAt: this.now(), used: 0 };
      this.windows.set(address, window);
    }
    window.used++;
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window !== undefined && this.now() - window.startedAt >= this.budget.windowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}
