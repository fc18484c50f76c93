import { EventStoreUnavailableError, StreamDeletedError } from '../errors.js';
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
  validateCompactionTime,
  validateMaxAge,
  validateStreamName,
} from '../validation.js';
import { newEventId } from '../event-id.js';
import { followLog } from './follow-log.js';
import { decodeEventRow, type EventRow } from './event-row.js';
import { LogNotifier } from './log-notifier.js';

export interface MemoryEventStoreOptions {
  /** The clock events are stamped with (ms since the epoch); tests age events with it. */
  now?: () => number;
}

/**
 * In-process event store for unit tests. The log is an array: an event's global sequence is
 * its index + 1, which is also its `$all` position. Events removed by retention or deletion
 * leave a hole (`undefined`) at their index, so positions are never reused and readers step
 * over the gap. Appends are synchronous, so they are trivially serialised; the
 * expected-revision rule is the same one the SQLite adapter uses. Payloads are kept
 * serialised, so a reader can never mutate what was recorded.
 */
export class MemoryEventStore implements EventStore {
  private readonly log: Array<EventRow | undefined> = [];
  /** The events each stream still holds, in revision order. */
  private readonly streams = new Map<string, EventRow[]>();
  /** Last revision of streams whose every event compaction removed: appends continue after it. */
  private readonly compactedHeads = new Map<string, bigint>();
  private readonly maxAges = new Map<string, number>();
  private readonly deleted = new Set<string>();
  private readonly notifier = new LogNotifier();
  private readonly now: () => number;
  private closed = false;

  constructor(options: MemoryEventStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    validateStreamName(stream);
    const expected = validateExpectedRevision(expectedRevision);
    const prepared = prepareEvents(events);
    if (this.deleted.has(stream)) throw new StreamDeletedError(stream);
    const existing = this.streams.get(stream) ?? [];
    const last = existing[existing.length - 1];
    const current = last?.revision ?? this.compactedHeads.get(stream);
    assertExpectedRevision(stream, expected, current);
    if (prepared.length === 0) {
      return { nextExpectedRevision: current ?? -1n, position: sequencePosition(last?.position ?? 0n) };
    }
    let revision = current ?? -1n;
    const created_at = BigInt(this.now());
    for (const event of prepared) {
      revision += 1n;
      const recorded: EventRow = { ...event, stream, revision, position: BigInt(this.log.length + 1), created_at };
      this.log.push(recorded);
      existing.push(recorded);
    }
    this.streams.set(stream, existing);
    this.notifier.notify();
    return { nextExpectedRevision: revision, position: sequencePosition(existing[existing.length - 1]!.position) };
  }

  async setStreamMaxAge(stream: string, maxAgeSeconds: number): Promise<void> {
    this.assertOpen();
    validateStreamName(stream);
    validateMaxAge(maxAgeSeconds);
    if (!this.deleted.has(stream)) this.maxAges.set(stream, maxAgeSeconds);
  }

  async deleteStream(stream: string): Promise<void> {
    this.assertOpen();
    validateStreamName(stream);
    for (const event of this.streams.get(stream) ?? []) this.log[Number(event.position) - 1] = undefined;
    this.streams.delete(stream);
    this.compactedHeads.delete(stream);
    this.maxAges.delete(stream);
    this.deleted.add(stream);
  }

  async compact(now?: Date): Promise<{ removed: number }> {
    this.assertOpen();
    const at = validateCompactionTime(now, this.now);
    let removed = 0;
    for (const [stream, maxAge] of this.maxAges) {
      const events = this.streams.get(stream) ?? [];
      const cutoff = BigInt(at - maxAge * 1000);
      // Only the oldest events go: the first one still young ends the removable prefix.
      let expired = 0;
      while (expired < events.length && events[expired]!.created_at < cutoff) expired += 1;
      if (expired === 0) continue;
      for (const event of events.slice(0, expired)) this.log[Number(event.position) - 1] = undefined;
      if (expired === events.length) this.compactedHeads.set(stream, events[expired - 1]!.revision);
      this.streams.set(stream, events.slice(expired));
      removed += expired;
    }
    return { removed };
  }

  async *readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    validateStreamName(stream);
    const { direction, fromRevision, maxCount } = validateReadStreamOptions(options);
    const events = this.streams.get(stream) ?? [];
    const forwards = direction === 'forwards';
    // `start` is revision 0 and `end` the last revision, in either direction, as in KurrentDB.
    const from = fromRevision === 'start' ? 0n : fromRevision === 'end' ? (1n << 63n) - 1n : fromRevision;
    if (forwards && fromRevision === 'end') return;
    let count = 0;
    for (const event of forwards ? events : [...events].reverse()) {
      if (count >= maxCount) return;
      if (forwards ? event.revision < from : event.revision > from) continue;
      count += 1;
      yield decodeEventRow(event);
    }
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const { direction, fromPosition, maxCount, filter } = validateReadAllOptions(options);
    const forwards = direction === 'forwards';
    // `start` lies before the first event and `end` after the last: reading past them yields nothing.
    if ((forwards && fromPosition === 'end') || (!forwards && fromPosition === 'start')) return;
    const from =
      fromPosition === 'start' ? 1n : fromPosition === 'end' ? BigInt(this.log.length) : fromPosition.commit;
    let count = 0;
    const step = forwards ? 1 : -1;
    for (let index = Number(from) - 1; index >= 0 && index < this.log.length; index += step) {
      if (count >= maxCount) return;
      const event = this.log[index];
      if (event === undefined || !matchesFilter(filter, event.stream, event.type)) continue;
      count += 1;
      yield decodeEventRow(event);
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
      fetchAfter: (cursor, limit) => this.eventsAfter(cursor, limit).map((event) => ({
          sequence: event.position,
          stream: event.stream,
          type: event.type,
          decode: () => decodeEventRow(event),
        })),
    });
  }

  /** Up to `limit` recorded events after position `cursor`, stepping over holes. */
  private eventsAfter(cursor: bigint, limit: number): EventRow[] {
    const found: EventRow[] = [];
    for (let index = Number(cursor); index < this.log.length && found.length < limit; index++) {
      const event = this.log[index];
      if (event !== undefined) found.push(event);
    }
    return found;
  }

  /** Test support: the max age `setStreamMaxAge` recorded for `stream`, if any. */
  streamMaxAge(stream: string): number | undefined {
    return this.maxAges.get(stream);
  }

  /**
   * Test support: makes `stream` exist with one event at `revision`, as if the stream had grown
   * that long. The contract suite uses it to check revisions past 2^32 without writing them all.
   */
  seedStreamAt(stream: string, revision: bigint): void {
    const event: EventRow = {
      id: newEventId(),
      stream: validateStreamName(stream),
      revision,
      position: BigInt(this.log.length + 1),
      type: 'StreamSeeded',
      data: '{}',
      metadata: '{"schemaVersion":1}',
      created_at: BigInt(this.now()),
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
