import type { Position, PositionOrigin } from './position.js';

/**
 * What the writer expects of a stream before its append. Revisions are 0-based: the revision of
 * a stream is the revision of its last event, so a stream with one event is at `0n`.
 * - `no_stream`: the stream must not exist (create-only: an id is unique).
 * - `stream_exists`: the stream must have at least one event.
 * - `any`: no check.
 * - a bigint: the stream's last event must be exactly that revision (optimistic concurrency).
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

/** Metadata recorded beside each event. Keys beyond these are kept as given (JSON). */
export interface EventMetadata {
  /** Who caused the event: an admin's `sub`, a `client_id`, `system`. */
  actor?: string;
  correlationId?: string;
  causationId?: string;
  /** Version of the event's data shape, for upcasting old events on read. Defaults to 1. */
  schemaVersion?: number;
  /** The request's client address, when a request caused the event. */
  ip?: string;
  [key: string]: unknown;
}

/** JSON object: the only shape event data and metadata may take. */
export type JsonObject = { [key: string]: unknown };

export interface NewEvent<D extends JsonObject = JsonObject> {
  /**
   * A fresh UUID (time-ordered v7, see `newEventId`) unless given. Never derive it from the
   * event's content on a single-use gate: KurrentDB acknowledges a second append of an
   * already-written id as a success.
   */
  id?: string;
  type: string;
  data: D;
  metadata?: EventMetadata;
}

export interface RecordedEvent<D extends JsonObject = JsonObject> {
  id: string;
  stream: string;
  revision: bigint;
  position: Position;
  type: string;
  data: D;
  metadata: EventMetadata;
  createdAt: Date;
}

export interface AppendResult {
  /** The stream's revision after the append (its last event's revision); `-1n` if it has none. */
  nextExpectedRevision: bigint;
  /** `$all` position of the last event written (of the stream's last event for an empty append). */
  position: Position;
}

export type ReadDirection = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction?: ReadDirection;
  /** First revision to read (inclusive); `start`/`end` by default, depending on direction. */
  fromRevision?: bigint | 'start' | 'end';
  maxCount?: number;
}

/**
 * Server-side filter on `$all`, as KurrentDB offers it: by stream-name prefix or by event-type
 * prefix, never both. Events of system streams (`$`-prefixed) are never returned.
 */
export type EventFilter =
  | { streamNamePrefixes: readonly string[]; eventTypePrefixes?: never }
  | { eventTypePrefixes: readonly string[]; streamNamePrefixes?: never };

export interface ReadAllOptions {
  direction?: ReadDirection;
  /** Inclusive start; `start` forwards and `end` backwards by default. */
  fromPosition?: PositionOrigin;
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeAllOptions {
  /** Exclusive start: the first event delivered is the one after this position. Default `start`. */
  fromPosition?: PositionOrigin;
  filter?: EventFilter;
  /** Ends the subscription: the iteration completes without error. */
  signal?: AbortSignal;
}

/**
 * What a subscription yields, in `$all` order:
 * - `event`: an event that passed the filter;
 * - `checkpoint`: every event up to `position` has been scanned, so a consumer may persist
 *   `position` even if nothing matched its filter (this keeps a filtered consumer from
 *   rescanning the whole log after a restart);
 * - `caughtUp`: the historical part is done; from here on events arrive as they are appended.
 */
export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  | { kind: 'checkpoint'; position: Position }
  | { kind: 'caughtUp' };

/**
 * The event store port. KurrentDB's semantics are the reference for every adapter; the contract
 * suite (`testing/event-store.contract.ts`) is the executable definition of this interface.
 */
export interface EventStore {
  /**
   * Appends `events` atomically to `stream` if it is at `expectedRevision`, else throws
   * `WrongExpectedVersionError` and writes nothing. An empty `events` only checks the revision.
   */
  append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;

  /** Events of one stream. A stream that does not exist reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;

  /** Events of every stream in `$all` order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;

  /** Catches up from `fromPosition` (exclusive), then follows new appends until aborted. */
  subscribeAll(options?: SubscribeAllOptions): AsyncIterable<SubscriptionMessage>;

  /**
   * Retention: events of `stream` older than `maxAgeSeconds` (a positive integer) may go.
   * KurrentDB: the stream's `$maxAge` metadata (reads stop returning them, a scavenge removes
   * them). Embedded stores: recorded, and enforced by `compact()` (until then they still read).
   * Idempotent; the last call wins. On a deleted stream it does nothing.
   *
   * Whatever retention removes, the stream keeps its revision: the next append continues after
   * the last revision it ever had, and `no_stream` is still refused (as on KurrentDB, where the
   * stream's last event number survives the scavenge).
   */
  setStreamMaxAge(stream: string, maxAgeSeconds: number): Promise<void>;

  /**
   * Erasure: removes every event of `stream` for good (KurrentDB: a tombstone, a hard delete;
   * the events leave `$all` at the next scavenge). Any later append to the stream throws
   * `StreamDeletedError`, reads of it return nothing. Deleting a stream that does not exist
   * still marks it deleted; deleting twice is allowed. Positions of removed events are never
   * reused: `$all` just has a gap there.
   */
  deleteStream(stream: string): Promise<void>;

  /**
   * Embedded stores: removes now what retention allows, i.e. the events older than their
   * stream's max age at `now` (default: the current time), and answers how many went. Only a
   * stream's oldest events go (a prefix): an event is kept while an older one of its stream
   * must be kept. KurrentDB: `{ removed: 0 }`, its scavenge does it.
   */
  compact(now?: Date): Promise<{ removed: number }>;

  /** Releases connections and stops the subscriptions this store serves. */
  close(): Promise<void>;
}

/** Injection token for the configured `EventStore` adapter. */
export const EVENT_STORE = Symbol('EVENT_STORE');
