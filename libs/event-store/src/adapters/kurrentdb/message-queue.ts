/**
 * A single-consumer queue between the client's event-emitting subscription and an async
 * iteration. `end()` stops at once and drops what is queued (an abort means "stop now");
 * `fail()` lets the consumer take what is queued, then throws.
 */
export class MessageQueue<T> {
  private items: T[] = [];
  private wake: (() => void) | undefined;
  private failure: { error: unknown } | undefined;
  private ended = false;

  get length(): number {
    return this.items.length;
  }

  get closed(): boolean {
    return this.ended || this.failure !== undefined;
  }

  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.items = [];
    this.notify();
  }

  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = { error };
    this.notify();
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.items.length > 0) return { done: false, value: this.items.shift()! };
      if (this.ended) return { done: true, value: undefined };
      if (this.failure) throw this.failure.error;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
