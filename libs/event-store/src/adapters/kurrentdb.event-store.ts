import { BACKWARDS, END, FORWARDS, KurrentDBClient, START, jsonEvent } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, InvalidEventStoreInputError } from '../errors.js';
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
import {
  assertExpectedRevision,
  prepareEvents,
  validateExpectedRevision,
  validateCompactionTime,
  validateFilter,
  validateMaxAge,
  validatePositionOrigin,
  validateReadAllOptions,
  validateReadStreamOptions,
  validateStreamName,
} from '../validation.js';
import { isStreamDeleted, isStreamNotFound, mapClientError } from './kurrentdb/errors.js';
import { toPosition, toRecordedEvent, toStreamState } from './kurrentdb/mapping.js';
import { readAllEvents } from './kurrentdb/read-all.js';
import { subscribeToAll } from './kurrentdb/subscription.js';

/**
 * The event store on KurrentDB, through `@kurrent/kurrentdb-client`: appends and subscriptions
 * over the client's gRPC channel, stream and `$all` reads through its Rust bridge. KurrentDB's
 * semantics are the port's reference, so the mapping is mostly one to one; the exceptions are
 * documented where they happen (empty appends here, `$all` reads in `kurrentdb/read-all.ts`,
 * subscriptions in `kurrentdb/subscription.ts`). System events (`$` streams and types) are
 * never returned. `createdAt` has whole seconds when read (the bridge drops the rest) and
 * milliseconds when delivered by a subscription.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly subscriptions = new Set<() => void>();
  private closed = false;

  /** `connectionString`: e.g. `kurrentdb://host:2113?tls=false`; refused at once if malformed. */
  constructor(connectionString: string) {
    try {
      this.client = KurrentDBClient.connectionString(connectionString);
    } catch (error) {
      throw new InvalidEventStoreInputError('connectionString', `invalid KurrentDB connection string: ${(error as Error).message}`);
    }
  }

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    validateStreamName(stream);
    const expected = validateExpectedRevision(expectedRevision);
    const prepared = prepareEvents(events);
    if (prepared.length === 0) return this.checkRevision(stream, expected);
    const data = prepared.map((event) =>
      jsonEvent({ id: event.id, type: event.type, data: JSON.parse(event.data), metadata: JSON.parse(event.metadata) }),
    );
    try {
      const result = await this.client.appendToStream(stream, data, { streamState: toStreamState(expected) });
      if (!result.position) throw new EventStoreUnavailableError(`KurrentDB acknowledged the append to "${stream}" without a position`);
      return { nextExpectedRevision: result.nextExpectedRevision, position: toPosition(result.position) };
    } catch (error) {
      throw mapClientError(error, `append to "${stream}"`, { stream, expected });
    }
  }

  async *readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    validateStreamName(stream);
    const { direction, fromRevision, maxCount } = validateReadStreamOptions(options);
    // The Rust bridge reads forwards from `start` and backwards from `end` whatever the
    // direction asked, so the two other combinations are settled here: nothing lies after the
    // end, and only revision 0 lies at or before the start.
    if (maxCount === 0 || (direction === 'forwards' && fromRevision === 'end')) return;
    const from = direction === 'backwards' && fromRevision === 'start' ? 0n : fromRevision;
    const events = this.client.readStream(stream, {
      direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
      fromRevision: from === 'start' ? START : from === 'end' ? END : from,
      ...(Number.isFinite(maxCount) ? { maxCount } : {}),
    });
    try {
      for (;;) {
        let next: IteratorResult<{ event?: Parameters<typeof toRecordedEvent>[0]; commitPosition?: bigint }>;
        try {
          next = await events.next();
        } catch (error) {
          // A tombstoned stream reads as empty, like one that never was.
          if (isStreamNotFound(error) || isStreamDeleted(error)) return;
          throw mapClientError(error, `read of "${stream}"`);
        }
        if (next.done) return;
        if (next.value.event) yield toRecordedEvent(next.value.event, next.value.commitPosition);
      }
    } finally {
      // A consumer that stops early lets the client's read go too.
      await events.return?.(undefined);
    }
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    yield* readAllEvents(this.client, validateReadAllOptions(options));
  }

  subscribeAll(options: SubscribeAllOptions = {}): AsyncIterable<SubscriptionMessage> {
    this.assertOpen();
    const fromPosition = options.fromPosition ?? 'start';
    validatePositionOrigin(fromPosition, 'fromPosition');
    return subscribeToAll(this.client, {
      fromPosition,
      filter: validateFilter(options.filter),
      signal: options.signal,
      register: (stop) => {
        this.subscriptions.add(stop);
        return () => this.subscriptions.delete(stop);
      },
    });
  }

  /**
   * `$maxAge` in the stream's metadata (`$$<stream>`), the stream's other metadata kept as it
   * was. A tombstoned stream's metadata cannot be written, and needs none: nothing is done.
   */
  async setStreamMaxAge(stream: string, maxAgeSeconds: number): Promise<void> {
    this.assertOpen();
    validateStreamName(stream);
    validateMaxAge(maxAgeSeconds);
    try {
      const { metadata } = await this.client.getStreamMetadata(stream);
      await this.client.setStreamMetadata(stream, { ...metadata, maxAge: maxAgeSeconds });
    } catch (error) {
      if (isStreamDeleted(error)) return;
      throw mapClientError(error, `setting the max age of "${stream}"`);
    }
  }

  /** A tombstone: the hard delete, final on KurrentDB. A second one meets the first: done already. */
  async deleteStream(stream: string): Promise<void> {
    this.assertOpen();
    validateStreamName(stream);
    try {
      await this.client.tombstoneStream(stream);
    } catch (error) {
      if (isStreamDeleted(error)) return;
      throw mapClientError(error, `deleting "${stream}"`);
    }
  }

  /** Nothing to do from here: the server's scavenge removes what `$maxAge` and tombstones allow. */
  async compact(now?: Date): Promise<{ removed: number }> {
    this.assertOpen();
    validateCompactionTime(now, Date.now);
    return { removed: 0 };
  }

  /** Ends every subscription (their iterations complete), then releases the client's calls. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.subscriptions]) stop();
    await this.client.dispose();
  }

  /**
   * An empty append only checks the expected revision. Sent to the server, its answer would carry
   * no position, and the client turns a `no_stream` answer into revision 0; so the check is made
   * here against the stream's last event instead. It is a read, not a gate: an append racing with
   * it may land just after.
   */
  private async checkRevision(stream: string, expected: ExpectedRevision): Promise<AppendResult> {
    let last: RecordedEvent | undefined;
    for await (const event of this.readStream(stream, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })) last = event;
    assertExpectedRevision(stream, expected, last?.revision);
    return { nextExpectedRevision: last?.revision ?? -1n, position: last?.position ?? { commit: 0n, prepare: 0n } };
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('the KurrentDB event store is closed');
  }
}
