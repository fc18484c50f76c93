/**
 * Wakes subscribers when the log grows. Appends in this process call `notify()`, so local
 * subscribers see an event as soon as it commits; appends by other processes are found by the
 * subscriber's own polling (see `followLog`).
 *
 * Invariant: no wake-up is lost. A subscriber reads `version` before it fetches, and
 * `wait(seen)` returns at once if an append was notified since, even while the subscriber was
 * busy between its fetch and its wait (for instance paused at a `yield`).
 */
export class LogNotifier {
  private waiters = new Set<() => void>();
  private appended = 0;

  /** Changes on every `notify()`; pass the value read before a fetch to `wait`. */
  get version(): number {
    return this.appended;
  }

  notify(): void {
    this.appended += 1;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves at once if `notify()` was called since `seen`; otherwise on the next `notify()`,
   * after `timeoutMs`, or when `signal` aborts, whichever is first.
   */
  wait(seen: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || this.appended !== seen) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
