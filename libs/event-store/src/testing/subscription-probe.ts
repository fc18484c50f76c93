import type { EventStore, SubscribeAllOptions, SubscriptionMessage } from '../event-store.js';

/**
 * Test helper: runs a subscription in the background and records what it yields, so a test can
 * wait for a condition with a deadline instead of sleeping.
 */
export class SubscriptionProbe {
  readonly messages: SubscriptionMessage[] = [];
  private readonly controller = new AbortController();
  private readonly waiters = new Set<() => void>();
  readonly finished: Promise<void>;
  error: unknown;

  constructor(store: EventStore, options: Omit<SubscribeAllOptions, 'signal'> = {}) {
    this.finished = (async () => {
      try {
        for await (const message of store.subscribeAll({ ...options, signal: this.controller.signal })) {
          this.messages.push(message);
          for (const wake of this.waiters) wake();
        }
      } catch (error) {
        this.error = error;
      } finally {
        for (const wake of this.waiters) wake();
      }
    })();
  }

  get events() {
    return this.messages.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
  }

  get caughtUp(): boolean {
    return this.messages.some((m) => m.kind === 'caughtUp');
  }

  /** Waits until `predicate` holds, failing with `what` after `timeoutMs`. */
  async until(what: string, predicate: (probe: SubscriptionProbe) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (this.error) throw this.error;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 100));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.finished;
    if (this.error) throw this.error;
  }
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
