/** How much one key may do: `limit` events in any `windowMs`; at most `maxKeys` keys remembered. */
export interface WindowBudget {
  limit: number;
  windowMs: number;
  /** Keys tracked at most (the least recently counted forgotten first); DEFAULT_MAX_KEYS when absent. */
  maxKeys?: number;
}

/** Enough for every address of a busy tailnet, small enough that a flood of addresses costs a few MB. */
export const DEFAULT_MAX_KEYS = 50_000;
/** Entries kept per key at most: a budget of more events than this merges events close in time. */
const MAX_ENTRIES = 64;

/**
 * Events per key in a sliding window: meshid's one rate-limit counter, behind sign-in failures,
 * approval codes and the OAuth endpoints. Pure bookkeeping: time is passed in (`now`, epoch ms),
 * so callers read their injected Clock and tests need no timers.
 *
 * Invariants, each for bounded memory under a flood:
 * - a key holds at most MAX_ENTRIES (time, count) entries, oldest first, and none older than the
 *   window (they are dropped as they are read);
 * - entries beyond the newest `limit` events are dropped: they can no longer decide anything;
 * - at most `maxKeys` keys: counting a key makes it the most recent, and the least recent is
 *   forgotten (so a forgotten key is one that has been quiet the longest).
 *
 * With a limit of at most MAX_ENTRIES every event is its own entry and the count is exact. With a
 * larger one, events less than windowMs / MAX_ENTRIES after an entry's first are merged into it
 * and leave the window with it, up to that much early: the budget is exceeded by at most the
 * events of one such slice (under 2% of the window), which no limit here is tuned finely enough
 * to notice.
 *
 * IN MEMORY, PER PROCESS: each replica counts on its own, so with n replicas behind a balancer a
 * caller gets up to n times the budget, and a restart forgets. Enough to make online guessing and
 * floods slow; a shared limiter would need a shared store on every request's path.
 */
export class SlidingWindow {
  /** Per key a flat list `[at0, count0, at1, count1, ...]`, oldest first. */
  private readonly entries = new Map<string, number[]>();
  private readonly mergeWithinMs: number;
  private readonly maxKeys: number;

  constructor(readonly budget: WindowBudget) {
    if (!Number.isInteger(budget.limit) || budget.limit < 1) throw new RangeError(`limit must be a positive integer, not ${budget.limit}`);
    if (!(budget.windowMs > 0)) throw new RangeError(`windowMs must be positive, not ${budget.windowMs}`);
    this.mergeWithinMs = budget.limit <= MAX_ENTRIES ? 0 : budget.windowMs / MAX_ENTRIES;
    this.maxKeys = budget.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  /** Seconds until `key` may do one more event (at least 1), or 0 when it may now. */
  retryAfterSeconds(key: string, now: number): number {
    const log = this.live(key, now);
    if (log === undefined) return 0;
    // The entry holding the limit-th newest event: once it leaves the window, fewer than `limit` remain.
    let newer = 0;
    for (let i = log.length - 2; i >= 0; i -= 2) {
      newer += log[i + 1]!;
      if (newer >= this.budget.limit) return Math.max(1, Math.ceil((log[i]! + this.budget.windowMs - now) / 1000));
    }
    return 0;
  }

  /** Counts one event of `key` at `now`. */
  record(key: string, now: number): void {
    const log = this.live(key, now) ?? [];
    const last = log.length - 2;
    if (last >= 0 && now - log[last]! < this.mergeWithinMs) log[last + 1]!++;
    else log.push(now, 1);
    this.trim(log);
    this.entries.delete(key);
    this.entries.set(key, log);
    if (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Checks and counts in one: 0 (and the event counted) when `key` may, else the seconds to wait (nothing counted). */
  take(key: string, now: number): number {
    const wait = this.retryAfterSeconds(key, now);
    if (wait === 0) this.record(key, now);
    return wait;
  }

  /** Forgets `key` (a success that proves the caller is no guesser). */
  clear(key: string): void {
    this.entries.delete(key);
  }

  /** Keys currently tracked (for tests of the memory bound). */
  get size(): number {
    return this.entries.size;
  }

  /** The key's entries still in the window, or undefined when none (the key is then forgotten). */
  private live(key: string, now: number): number[] | undefined {
    const log = this.entries.get(key);
    if (log === undefined) return undefined;
    let expired = 0;
    while (expired < log.length && now - log[expired]! >= this.budget.windowMs) expired += 2;
    if (expired === log.length) {
      this.entries.delete(key);
      return undefined;
    }
    if (expired > 0) log.splice(0, expired);
    return log;
  }

  /** Drops the oldest entries that the newest `limit` events make irrelevant, and any beyond MAX_ENTRIES. */
  private trim(log: number[]): void {
    let total = 0;
    for (let i = 1; i < log.length; i += 2) total += log[i]!;
    while (log.length > 2 && (total - log[1]! >= this.budget.limit || log.length > 2 * MAX_ENTRIES)) {
      total -= log[1]!;
      log.splice(0, 2);
    }
  }
}
