import { performance } from 'node:perf_hooks';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeAllOptions,
  SubscriptionMessage,
} from '#event-store';
import type { EventStoreMetrics, EventStoreOperation } from './event-store-metrics.js';

/**
 * The adapter with every call timed (EventStoreMetrics), and nothing else changed: events pass
 * through as recorded, errors as thrown. A read is timed as the time spent waiting on the
 * adapter for its events, summed over the iteration, not the time the caller takes between
 * them. Subscriptions are not timed: they last as long as the process.
 */
export class TimedEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly metrics: EventStoreMetrics,
  ) {}

  append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.timed('append', () => this.inner.append(stream, events, expectedRevision));
  }

  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return this.timedRead('read_stream', () => this.inner.readStream(stream, options));
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.timedRead('read_all', () => this.inner.readAll(options));
  }

  subscribeAll(options?: SubscribeAllOptions): AsyncIterable<SubscriptionMessage> {
    return this.inner.subscribeAll(options);
  }

  setStreamMaxAge(stream: string, maxAgeSeconds: number): Promise<void> {
    return this.timed('set_stream_max_age', () => this.inner.setStreamMaxAge(stream, maxAgeSeconds));
  }

  deleteStream(stream: string): Promise<void> {
    return this.timed('delete_stream', () => this.inner.deleteStream(stream));
  }

  compact(now?: Date): Promise<{ removed: number }> {
    return this.timed('compact', () => this.inner.compact(now));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async timed<T>(operation: EventStoreOperation, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await call();
      this.metrics.observe(operation, 'ok', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.metrics.observe(operation, 'error', (performance.now() - started) / 1000);
      throw error;
    }
  }

  /** Observed once, when the iteration ends: read to the end, broken off by the caller, or failed. */
  private async *timedRead(operation: EventStoreOperation, open: () => AsyncIterable<RecordedEvent>): AsyncIterable<RecordedEvent> {
    let spent = 0;
    let outcome: 'ok' | 'error' = 'ok';
    let started = performance.now();
    let settled = false;
    let iterator: AsyncIterator<RecordedEvent> | undefined;
    try {
      iterator = open()[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<RecordedEvent>;
        try {
          next = await iterator.next();
        } finally {
          spent += performance.now() - started;
        }
        if (next.done) break;
        yield next.value;
        started = performance.now();
      }
      settled = true;
    } catch (error) {
      outcome = 'error';
      settled = true;
      throw error;
    } finally {
      if (!settled && iterator !== undefined) {
        // Broken off by the caller: release the adapter's cursor, as a for-await would.
        started = performance.now();
        await iterator.return?.();
        spent += performance.now() - started;
      }
      this.metrics.observe(operation, outcome, spent / 1000);
    }
  }
}
