import { EventStoreUnavailableError } from '../errors.js';
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
} from '../event-store.js';
import { sequencePosition } from '../position.js';
import {
  assertExpectedRevision,
  matchesFilter,
  prepareEvents,
  validateExpectedRevision,
  validatePositionOrigin,
  validateFilter,
  validateReadAllOptions,
  validateReadStreamOptions,
  validateStreamName,
} from '../validation.js';
import { followLog } from './follow-log.js';
import { LogNotifier } from './log-notifier.js';

/**
 * In-process event store for unit tests. The log is an array: an event's global sequence is
 * its index + 1, which is also its `$all` position. Appends are synchronous, so they are
 * trivially serialised; the expected-revision rule is the same one the SQLite adapter uses.
 */
export class MemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly notifier = new LogNotifier();
  private closed = false;

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    validateStreamName(stream);
    const expected = validateExpectedRevision(expectedRevision);
    const prepared = prepareEvents(events);
    const existing = this.streams.get(stream) ?? [];
    const current = existing.length > 0 ? existing[existing.length - 1]!.revision : undefined;
    assertExpectedRevision(stream, expected, current);
    if (prepared.length === 0) {
      const last = existing[existing.length - 1];
      return { nextExpectedRevision: current ?? -1n, position: last?.position ?? sequencePosition(0n) };
    }
    let revision = current ?? -1n;
    const createdAt = new Date();
    for (const event of prepared) {
      revision += 1n;
      const recorded: RecordedEvent = {
        id: event.id,
        stream,
        revision,
        position: sequencePosition(BigInt(this.log.length + 1)),
        type: event.type,
        data: JSON.parse(event.data),
        metadata: JSON.parse(event.metadata),
        createdAt,
      };
      this.log.push(recorded);
      existing.push(recorded);
    }
    this.streams.set(stream, existing);
    this.notifier.notify();
    return { nextExpectedRevision: revision, position: existing[existing.length - 1]!.position };
  }

  async *readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    validateStreamName(stream);
    const { direction, fromRevision, maxCount } = validateReadStreamOptions(options);
    const events = this.streams.get(stream) ?? [];
    const ordered = direction === 'forwards' ? events : [...events].reverse();
    let count = 0;
    for (const event of ordered) {
      if (count >= maxCount) return;
      if (typeof fromRevision === 'bigint') {
        if (direction === 'forwards' ? event.revision < fromRevision : event.revision > fromRevision) continue;
      }
      count += 1;
      yield structuredClone(event);
    }
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const { direction, fromPosition, maxCount, filter } = validateReadAllOptions(options);
    const from =
      fromPosition === 'start' ? 1n : fromPosition === 'end' ? BigInt(this.log.length) : fromPosition.commit;
    let count = 0;
    const step = direction === 'forwards' ? 1 : -1;
    for (let index = Number(from) - 1; index >= 0 && index < this.log.length; index += step) {
      if (count >= maxCount) return;
      const event = this.log[index]!;
      if (!matchesFilter(filter, event.stream, event.type)) continue;
      count += 1;
      yield structuredClone(event);
    }
  }

  subscribeAll(options: SubscribeAllOptions = {}): AsyncIterable<SubscriptionMessage> {
    this.assertOpen();
    const from = options.fromPosition ?? 'start';
    validatePositionOrigin(from, 'fromPosition');
    const filter = validateFilter(options.filter);
    const after = from === 'start' ? 0n : from === 'end' ? BigInt(this.log.length) : from.commit;
    return followLog({
      after,
      filter,
      signal: options.signal,
      notifier: this.notifier,
      pollIntervalMs: 1000,
      closed: () => this.closed,
      fetchAfter: (cursor, limit) =>
        this.log.slice(Number(cursor), Number(cursor) + limit).map((event) => ({
          sequence: event.position.commit,
          stream: event.stream,
          type: event.type,
          decode: () => structuredClone(event),
        })),
    });
  }

  /**
   * Test support: makes `stream` exist with one event at `revision`, as if the stream had grown
   * that long. The contract suite uses it to check revisions past 2^32 without writing them all.
   */
  seedStreamAt(stream: string, revision: bigint): void {
    const event: RecordedEvent = {
      id: crypto.randomUUID(),
      stream: validateStreamName(stream),
      revision,
      position: sequencePosition(BigInt(this.log.length + 1)),
      type: 'StreamSeeded',
      data: {},
      metadata: { schemaVersion: 1 },
      createdAt: new Date(),
    };
    this.log.push(event);
    this.streams.set(stream, [...(this.streams.get(stream) ?? []), event]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notifier.notify();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('the memory event store is closed');
  }
}
