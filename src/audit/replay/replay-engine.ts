import type Database from 'better-sqlite3';
import { comparePositions, type EventFilter, type EventStore, formatPosition, type Position, type RecordedEvent } from '#event-store';
import { CheckpointStore, type Projection, withStatementCache } from '#projections';

/** A projection to rebuild, and the last position (inclusive) of the log it is to see; null: none. */
export interface ReplayTarget {
  projection: Projection;
  until: Position | null;
}

/** What the replay did for one projection. */
export interface ReplayOutcome {
  name: string;
  /** Events its filter matched up to its target, each given to `apply`. */
  applied: number;
  /** Where it stands: its target once the log has been read past it, else the last position read. */
  position: Position | null;
  /** The `createdAt` of the last event it applied. */
  lastEventAt: Date | null;
}

export interface ReplayOptions {
  /** Events applied per transaction; large transactions are what makes a replay fast. */
  commitEvery?: number;
}

/** A projection's `apply` threw during a replay: the replay stops, naming the event. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

interface Cursor {
  target: ReplayTarget;
  outcome: ReplayOutcome;
}

const DEFAULT_COMMIT_EVERY = 10_000;

/**
 * Rebuilds projections from the log into `db` (a scratch read-model database, migrated, that
 * nothing else writes): one pass over `$all` through `store.subscribeAll` from the start (the path
 * the live projections take, so events read exactly as they saw them), each event given to every
 * projection whose filter matches it and whose target it does not pass. The pass ends, through
 * its abort signal, once every target is passed, or when the log is caught up.
 *
 * Invariants:
 * - only `apply` is called, never `react`: a reactor's reactions are commands, and a replay must
 *   never write to the log (its outbox rows stay as `apply` left them);
 * - filters are matched as the store matches them (stream-name or event-type prefix), so each
 *   projection sees exactly the events its live run saw;
 * - a projection's checkpoint is recorded with its rows, so the result is a read-model database
 *   like the live one (a later run of the projection would resume after it);
 * - `apply` may also refresh in-memory indexes of the application that built the projections:
 *   run replays only in a throwaway process (the offline CLI), never in a serving one.
 */
export async function replayLog(store: EventStore, db: Database.Database, targets: readonly ReplayTarget[], options: ReplayOptions = {}): Promise<ReplayOutcome[]> {
  const commitEvery = Math.max(1, options.commitEvery ?? DEFAULT_COMMIT_EVERY);
  const cursors: Cursor[] = targets.map((target) => ({
    target,
    outcome: { name: target.projection.name, applied: 0, position: null, lastEventAt: null },
  }));
  const active = cursors.filter((cursor) => cursor.target.until !== null);
  if (active.length === 0) return cursors.map((cursor) => cursor.outcome);
  const last = active.map((cursor) => cursor.target.until!).reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b));
  const checkpoints = new CheckpointStore(db);
  const applyDb = withStatementCache(db);
  const controller = new AbortController();
  let scanned: Position | null = null;
  let uncommitted = 0;
  db.exec('BEGIN');
  try {
    const messages = store.subscribeAll({ fromPosition: 'start', filter: unionFilter(active.map((cursor) => cursor.target.projection.filter)), signal: controller.signal });
    for await (const message of messages) {
      if (message.kind === 'caughtUp') break;
      const position = message.kind === 'event' ? message.event.position : message.position;
      if (message.kind === 'event' && comparePositions(position, last) <= 0) {
        uncommitted += dispatch(message.event, active, applyDb);
        if (uncommitted >= commitEvery) {
          db.exec('COMMIT; BEGIN');
          uncommitted = 0;
        }
      }
      scanned = position;
      if (comparePositions(position, last) >= 0) break;
    }
    controller.abort();
    for (const cursor of active) {
      const until = cursor.target.until!;
      cursor.outcome.position = scanned === null ? null : comparePositions(scanned, until) >= 0 ? until : scanned;
      if (cursor.outcome.position !== null) checkpoints.save(cursor.outcome.name, cursor.outcome.position);
    }
    db.exec('COMMIT');
  } catch (error) {
    controller.abort();
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
  return cursors.map((cursor) => cursor.outcome);
}

/** Gives `event` to every projection that takes it; answers how many did. */
function dispatch(event: RecordedEvent, cursors: readonly Cursor[], db: Database.Database): number {
  let applied = 0;
  for (const cursor of cursors) {
    const { projection, until } = cursor.target;
    if (!matchesFilter(projection.filter, event) || comparePositions(event.position, until!) > 0) continue;
    try {
      projection.apply(event, db);
    } catch (cause) {
      const at = `${event.type} at ${formatPosition(event.position)} in ${event.stream}`;
      throw new ReplayError(`projection "${projection.name}" failed to apply ${at}: ${(cause as Error).message}`, { cause });
    }
    cursor.outcome.applied += 1;
    cursor.outcome.lastEventAt = event.createdAt;
    applied += 1;
  }
  return applied;
}

/** The store's filter semantics: a stream-name prefix or an event-type prefix; none takes all. */
export function matchesFilter(filter: EventFilter | undefined, event: Pick<RecordedEvent, 'stream' | 'type'>): boolean {
  if (filter === undefined) return true;
  if (filter.streamNamePrefixes) return filter.streamNamePrefixes.some((prefix) => event.stream.startsWith(prefix));
  return filter.eventTypePrefixes!.some((prefix) => event.type.startsWith(prefix));
}

/**
 * One store-side filter letting through every event one of `filters` takes: the union of their
 * prefixes when all filter the same way, else none (each projection is still matched on its own).
 */
export function unionFilter(filters: ReadonlyArray<EventFilter | undefined>): EventFilter | undefined {
  if (filters.length === 0 || filters.some((filter) => filter === undefined)) return undefined;
  const defined = filters as EventFilter[];
  if (defined.every((filter) => filter.streamNamePrefixes)) {
    return { streamNamePrefixes: [...new Set(defined.flatMap((filter) => filter.streamNamePrefixes!))] };
  }
  if (defined.every((filter) => filter.eventTypePrefixes)) {
    return { eventTypePrefixes: [...new Set(defined.flatMap((filter) => filter.eventTypePrefixes!))] };
  }
  return undefined;
}
