import { randomUUID } from 'node:crypto';

/** One event as the fake stores it: what an append carried, plus what the "server" assigned. */
export interface FakeRecord {
  id: string;
  stream: string;
  revision: bigint;
  commit: bigint;
  prepare: bigint;
  type: string;
  contentType: string;
  /** 100-ns ticks since the Unix epoch, as KurrentDB sends `created`. */
  created: bigint;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export type ProposedEvent = Pick<FakeRecord, 'id' | 'type' | 'contentType' | 'data' | 'customMetadata'>;

/** What an append expects of its stream, decoded from the wire. */
export type FakeExpectation = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | { ok: true; current: bigint | undefined; last: FakeRecord | undefined }
  | { ok: false; current: bigint | undefined }
  | { ok: false; deleted: true };

/** The revision the server gives a tombstone: the largest 64-bit signed number. */
export const TOMBSTONE_REVISION = (1n << 63n) - 1n;
/** The type of the server's tombstone event, recorded in the deleted stream itself. */
export const STREAM_DELETED_TYPE = '$streamDeleted';

/** Gap between the commit positions of consecutive events; prepare sits half a stride below. */
const POSITION_STRIDE = 100n;
export const TICKS_PER_MS = 10_000n;

/**
 * The fake's storage: one global log (`$all`) and an index by stream. A position is
 * `{commit: base + k*100, prepare: base + k*100 - 50}` for the k-th event, so both halves
 * increase and differ (a mapping that swaps or drops one of them shows in tests), and a large
 * `base` pushes positions past 2^53. Appends are synchronous, hence atomic.
 */
export class FakeLog {
  readonly records: FakeRecord[] = [];
  private readonly streams = new Map<string, FakeRecord[]>();
  private readonly listeners = new Set<() => void>();
  private readonly tombstoned = new Set<string>();

  constructor(private readonly positionBase: bigint) {}

  streamEvents(stream: string): FakeRecord[] | undefined {
    return this.streams.get(stream);
  }

  currentRevision(stream: string): bigint | undefined {
    const events = this.streams.get(stream);
    return events?.[events.length - 1]?.revision;
  }

  /**
   * Whether `stream` was tombstoned; its metadata stream (`$$stream`) goes with it, as on the
   * server, so metadata can be neither written nor read afterwards.
   */
  isTombstoned(stream: string): boolean {
    return this.tombstoned.has(stream) || (stream.startsWith('$$') && this.tombstoned.has(stream.slice(2)));
  }

  /**
   * Hard-deletes `stream`: from now on appends and reads of it fail with stream-deleted. As on
   * the server, its events stay in `$all` (only a scavenge would remove them, and the fake has
   * none), followed by a `$streamDeleted` event at the largest revision. Answers the tombstone's
   * record, or `undefined` if the stream was already tombstoned.
   */
  tombstone(stream: string): FakeRecord | undefined {
    if (this.isTombstoned(stream)) return undefined;
    this.tombstoned.add(stream);
    const record = this.push(stream, TOMBSTONE_REVISION, jsonEvent(STREAM_DELETED_TYPE, {}));
    this.notify();
    return record;
  }

  /**
   * The `$maxAge` (seconds) of the last `$metadata` event in `$$stream`, if any (test hook, and
   * what stream reads honour: events older than it are not returned).
   */
  maxAge(stream: string): number | undefined {
    const metadata = this.streams.get(`$$${stream}`)?.at(-1);
    if (!metadata || metadata.type !== '$metadata') return undefined;
    const value = (JSON.parse(Buffer.from(metadata.data).toString('utf8')) as { $maxAge?: unknown }).$maxAge;
    return typeof value === 'number' ? value : undefined;
  }

  append(stream: string, expected: FakeExpectation, events: readonly ProposedEvent[]): AppendOutcome {
    if (this.isTombstoned(stream)) return { ok: false, deleted: true };
    const current = this.currentRevision(stream);
    const ok =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === undefined) ||
      (expected.kind === 'stream_exists' && current !== undefined) ||
      (expected.kind === 'revision' && current === expected.revision);
    if (!ok) return { ok: false, current };
    let revision = current ?? -1n;
    let last: FakeRecord | undefined;
    for (const event of events) {
      revision += 1n;
      last = this.push(stream, revision, event);
    }
    if (last) this.notify();
    return { ok: true, current: revision < 0n ? undefined : revision, last };
  }

  /** Makes `stream` exist with one event at `revision`, as if it had grown that long. */
  seedStreamAt(stream: string, revision: bigint): void {
    this.push(stream, revision, jsonEvent('StreamSeeded', {}, { schemaVersion: 1 }));
    this.notify();
  }

  /** Records an event the way the server does for its own bookkeeping (`$`-prefixed). */
  appendSystemEvent(stream: string, type: string): FakeRecord {
    const record = this.push(stream, (this.currentRevision(stream) ?? -1n) + 1n, jsonEvent(type, { $maxAge: 60 }));
    this.notify();
    return record;
  }

  /** Index of the first record after `position` (exclusive), or of the first at or after it. */
  indexAfter(commit: bigint, prepare: bigint, inclusive: boolean): number {
    const index = this.records.findIndex((r) => r.commit > commit || (r.commit === commit && r.prepare >= prepare));
    if (index === -1) return this.records.length;
    const at = this.records[index]!;
    return !inclusive && at.commit === commit && at.prepare === prepare ? index + 1 : index;
  }

  /** How many subscriptions are following the log (test hook: did a cancel reach the server?). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Calls `listener` after every append until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private push(stream: string, revision: bigint, event: ProposedEvent): FakeRecord {
    const commit = this.positionBase + BigInt(this.records.length + 1) * POSITION_STRIDE;
    const record: FakeRecord = {
      ...event,
      stream,
      revision,
      commit,
      prepare: commit - POSITION_STRIDE / 2n,
      created: BigInt(Date.now()) * TICKS_PER_MS,
    };
    this.records.push(record);
    const events = this.streams.get(stream) ?? [];
    events.push(record);
    this.streams.set(stream, events);
    return record;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function jsonEvent(type: string, data: object, metadata?: object): ProposedEvent {
  return {
    id: randomUUID(),
    type,
    contentType: 'application/json',
    data: Buffer.from(JSON.stringify(data)),
    customMetadata: metadata ? Buffer.from(JSON.stringify(metadata)) : new Uint8Array(),
  };
}
