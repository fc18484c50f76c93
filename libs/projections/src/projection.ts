import type Database from 'better-sqlite3';
import type { EventFilter, RecordedEvent } from '#event-store';

/**
 * A read model fed by `$all`. Each module implements one per read model it keeps.
 *
 * Contract:
 * - `apply` is synchronous and writes only through `db`, inside the runner's transaction; a
 *   throw rolls back that event's writes and stops the projection with the event named;
 * - `apply` is called once per event the projection has not yet committed, in `$all` order;
 *   state kept outside `db` (an in-memory index) is not rolled back, so keep it derivable from
 *   the tables or rebuild it on start;
 * - `tables` lists every table the projection writes: `rebuild` empties exactly those (their
 *   schema belongs to `/migrations`, so rebuild deletes rows, it never drops tables).
 */
export interface Projection {
  /** Unique among the runner's projections; the key of its checkpoint. Renaming it replays it. */
  readonly name: string;
  /** Server-side filter on `$all`; the checkpoint still advances past events it excludes. */
  readonly filter?: EventFilter;
  /** The tables it owns, emptied by `rebuild`. */
  readonly tables: readonly string[];
  apply(event: RecordedEvent, db: Database.Database): void;
  /**
   * Optional, for reactors (projections whose events cause commands). `apply` cannot await, so
   * it records the work to do in the projection's own tables (an outbox, committed with the
   * checkpoint); `react` is awaited after every commit and once at start, does that work and
   * clears it. The work therefore survives a crash between commit and reaction and is done at
   * least once: reactions must be idempotent. `waitFor` counts a position as reached only once
   * the reaction to it has resolved. A throw stops the projection; its outbox is retried on the
   * next start.
   */
  react?(db: Database.Database): Promise<void>;
  /**
   * Optional: process-local state (an in-memory index, a cache) for an event whose rows are
   * committed, called after the commit for every event the projection passes, in `$all` order,
   * whether this process applied it or another process sharing the read-model database did
   * (several meshid processes on one SQLite file write each event's rows once, whoever commits
   * first). Reads through `db` see the committed rows. Keep such state here, not in `apply`.
   */
  observe?(event: RecordedEvent, db: Database.Database): void;
  /**
   * Optional: rebuilds the process-local state `observe` keeps from the committed tables. Called
   * at start in the same read transaction as the checkpoint the projection resumes from, so that
   * state and position are one snapshot even while another process commits.
   */
  load?(db: Database.Database): void;
}
