import Database from 'better-sqlite3';
import {
  EventStoreUnavailableError,
  InvalidEventStoreInputError,
  StreamDeletedError,
  WrongExpectedVersionError,
} from '../../errors.js';
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
} from '../../event-store.js';
import { sequencePosition } from '../../position.js';
import {
  assertExpectedRevision,
  matchesFilter,
  prepareEvents,
  type PreparedEvent,
  validateExpectedRevision,
  validateFilter,
  validatePositionOrigin,
  validateReadAllOptions,
  validateReadStreamOptions,
  validateCompactionTime,
  validateMaxAge,
  validateStreamName,
} from '../../validation.js';
import { followLog } from '../follow-log.js';
import { LogNotifier } from '../log-notifier.js';
import { SqliteRetention } from './retention.js';
import { ensureEventsSchema } from './schema.js';
import { EventStatements } from './statements.js';
import { decodeEventRow } from '../event-row.js';

export interface SqliteEventStoreOptions {
  /** Database file (`./data/meshid.db` by default in the app), or `:memory:`. */
  path: string;
  /**
   * `normal` (default): a commit survives a crash of the process, and the last commits may be lost
   * on power failure. `full`: every commit is fsynced before the append returns.
   */
  durability?: 'normal' | 'full';
  /** How often subscribers look for events appended by other processes. Default 50 ms. */
  pollIntervalMs?: number;
  /** How long an append waits for another process's write lock before failing. Default 5 s. */
  busyTimeoutMs?: number;
  /** The clock events are stamped with (ms since the epoch). Default `Date.now`; tests age events with it. */
  now?: () => number;
}

const PAGE_SIZE = 512;
const MAX_INT64 = (1n << 63n) - 1n;

/**
 * The embedded event store: one `events` table in a WAL-mode SQLite file. Appends run in
 * `BEGIN IMMEDIATE`, so the read of the stream's revision and the insert happen under the
 * database's single write lock, in this process or across processes sharing the file.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly statements: EventStatements;
  private readonly notifier = new LogNotifier();
  private readonly pollIntervalMs: number;
  private readonly now: () => number;
  private readonly retention: SqliteRetention;
  private readonly appendTransaction: (stream: string, expected: ExpectedRevision, events: PreparedEvent[]) => AppendResult;
  private closed = false;

  constructor(options: SqliteEventStoreOptions) {
    try {
      this.db = new Database(options.path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      // Checkpoint the WAL every ~40 MB rather than every 4 MB: each checkpoint copies pages back
      // and syncs, which dominated the cost of small appends (bench/README.md).
      this.db.pragma('wal_autocheckpoint = 10000');
      ensureEventsSchema(this.db);
    } catch (error) {
      throw new EventStoreUnavailableError(`cannot open the event store at ${options.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.now = options.now ?? Date.now;
    this.statements = new EventStatements(this.db);
    this.retention = new SqliteRetention(this.db, this.statements);
    this.appendTransaction = this.db.transaction((stream, expected, events) => this.appendLocked(stream, expected, events))
      .immediate as typeof this.appendTransaction;
  }

  /** The connection, for the read models that share this file. */
  get database(): Database.Database {
    return this.db;
  }

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    validateStreamName(stream);
    const expected = validateExpectedRevision(expectedRevision);
    const prepared = prepareEvents(events);
    let result: AppendResult;
    try {
      result = this.appendTransaction(stream, expected, prepared);
    } catch (error) {
      throw this.translateAppendError(error, stream, expected);
    }
    if (prepared.length > 0) this.notifier.notify();
    return result;
  }

  /**
   * Runs under the write lock: decide against the current revision, then insert. Only a stream
   * without events (a first append, or one retention or deletion emptied) costs the lookups of
   * `deleted_streams` and of the revision compaction left; every other append skips them.
   */
  private appendLocked(stream: string, expected: ExpectedRevision, events: PreparedEvent[]): AppendResult {
    const last = this.statements.lastRevision.get(stream);
    let current = last?.revision;
    if (last === undefined) {
      if (this.statements.isDeleted.get(stream) !== undefined) throw new StreamDeletedError(stream);
      current = this.statements.compactedThrough.get(stream)?.revision ?? undefined;
    }
    assertExpectedRevision(stream, expected, current);
    if (events.length === 0) {
      return { nextExpectedRevision: current ?? -1n, position: sequencePosition(last?.position ?? 0n) };
    }
    let revision = current ?? -1n;
    if (revision + BigInt(events.length) > MAX_INT64) {
      throw new InvalidEventStoreInputError('events', `stream "${stream}" would pass the largest revision`);
    }
    const createdAt = this.now();
    let position = 0n;
    for (const event of events) {
      revision += 1n;
      const info = this.statements.insert.run(event.id, stream, revision, event.type, event.data, event.metadata, createdAt);
      position = BigInt(info.lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position: sequencePosition(position) };
  }

  private translateAppendError(error: unknown, stream: string, expected: ExpectedRevision): Error {
    if (
      error instanceof WrongExpectedVersionError ||
      error instanceof InvalidEventStoreInputError ||
      error instanceof StreamDeletedError
    ) {
      return error;
    }
    const code = (error as { code?: string }).code;
    const message = (error as Error).message ?? String(error);
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && message.includes('events.stream')) {
      // Unreachable while every writer takes the immediate lock; kept as the schema's guarantee.
      const actual = this.statements.lastRevision.get(stream)?.revision ?? 'no_stream';
      return new WrongExpectedVersionError(stream, expected, actual);
    }
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && message.includes('events.id')) {
      return new InvalidEventStoreInputError('id', `an event with the same id is already recorded (stream "${stream}")`);
    }
    return new EventStoreUnavailableError(`append to "${stream}" failed: ${message}`, { cause: error });
  }

  async *readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    validateStreamName(stream);
    const { direction, fromRevision, maxCount } = validateReadStreamOptions(options);
    const forwards = direction === 'forwards';
    let cursor = fromRevision === 'start' ? 0n : fromRevision === 'end' ? MAX_INT64 : fromRevision;
    if (forwards && fromRevision === 'end') return;
    let remaining = maxCount;
    while (remaining > 0) {
      const limit = Math.min(PAGE_SIZE, remaining);
      const rows = (forwards ? this.statements.streamForwards : this.statements.streamBackwards).all(stream, cursor, limit);
      for (const row of rows) yield decodeEventRow(row);
      remaining -= rows.length;
      if (rows.length < limit) return;
      const last = rows[rows.length - 1]!.revision;
      if (!forwards && last === 0n) return;
      cursor = forwards ? last + 1n : last - 1n;
    }
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const { direction, fromPosition, maxCount, filter } = validateReadAllOptions(options);
    const forwards = direction === 'forwards';
    let cursor = fromPosition === 'start' ? 0n : fromPosition === 'end' ? MAX_INT64 : fromPosition.commit;
    if (forwards && fromPosition === 'end') return;
    let remaining = maxCount;
    while (remaining > 0) {
      const rows = (forwards ? this.statements.allForwards : this.statements.allBackwards).all(cursor, PAGE_SIZE);
      for (const row of rows) {
        if (!matchesFilter(filter, row.stream, row.type)) continue;
        yield decodeEventRow(row);
        if (--remaining === 0) return;
      }
      if (rows.length < PAGE_SIZE) return;
      const last = rows[rows.length - 1]!.position;
      cursor = forwards ? last + 1n : last - 1n;
    }
  }

  subscribeAll(options: SubscribeAllOptions = {}): AsyncIterable<SubscriptionMessage> {
    this.assertOpen();
    const from = options.fromPosition ?? 'start';
    validatePositionOrigin(from, 'fromPosition');
    const filter = validateFilter(options.filter);
    const after =
      from === 'start' ? 0n : from === 'end' ? (this.statements.headPosition.get()?.position ?? 0n) : from.commit;
    return followLog({
      after,
      filter,
      signal: options.signal,
      notifier: this.notifier,
      pollIntervalMs: this.pollIntervalMs,
      closed: () => this.closed,
      fetchAfter: (cursor, limit) =>
        this.statements.allForwards.all(cursor + 1n, limit).map((row) => ({
          sequence: row.position,
          stream: row.stream,
          type: row.type,
          decode: () => decodeEventRow(row),
        })),
    });
  }

  async setStreamMaxAge(stream: string, maxAgeSeconds: number): Promise<void> {
    this.assertOpen();
    validateStreamName(stream);
    validateMaxAge(maxAgeSeconds);
    this.runWrite(`setting the max age of "${stream}"`, () => this.retention.setMaxAge(stream, maxAgeSeconds));
  }

  async deleteStream(stream: string): Promise<void> {
    this.assertOpen();
    validateStreamName(stream);
    this.runWrite(`deleting "${stream}"`, () => this.retention.delete(stream, this.now()));
  }

  async compact(now?: Date): Promise<{ removed: number }> {
    this.assertOpen();
    const at = validateCompactionTime(now, this.now);
    return { removed: this.runWrite('compaction', () => this.retention.compact(at)) };
  }

  private runWrite<T>(action: string, write: () => T): T {
    try {
      return write();
    } catch (error) {
      throw new EventStoreUnavailableError(`${action} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notifier.notify();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('the SQLite event store is closed');
  }
}
