import type Database from 'better-sqlite3';
import type { Position, RecordedEvent } from '#event-store';
import type { ProjectionError } from './errors.js';
import type { Projection } from './projection.js';
import { withStatementCache } from './statement-cache.js';

/** The last event a projection committed, for lag and diagnostics. */
export interface AppliedEvent {
  position: Position;
  stream: string;
  type: string;
  /** When the event was appended to the log. */
  createdAt: Date;
  /** When the transaction that applied it committed. */
  appliedAt: Date;
}

/**
 * One projection's progress, whichever `LogFollower` feeds it: what `status`, `readiness` and
 * `waitFor` read. Changed only on the event loop between awaits.
 */
export class ProjectionTrack {
  /** The position `waitFor` counts as reached (a reactor's only once its reaction ran). */
  checkpoint: Position | null = null;
  caughtUp = false;
  error: ProjectionError | null = null;
  lastEvent: AppliedEvent | null = null;
  /** Fed by a follower now; false once stopped, removed or failed. */
  running = false;
  /** Applies one event in a savepoint: nested in the batch transaction, a throw undoes that event only. */
  readonly applyOne: (event: RecordedEvent) => void;
  /** Applies events in order in ONE savepoint: a throw undoes them all (see LogFollower.commitMember). */
  readonly applyAll: (events: readonly RecordedEvent[]) => void;
  private catchUp: { resolve(): void; reject(error: Error): void } | null = null;

  constructor(
    readonly projection: Projection,
    db: Database.Database,
  ) {
    const cached = withStatementCache(db);
    this.applyOne = db.transaction((event: RecordedEvent) => projection.apply(event, cached));
    this.applyAll = db.transaction((events: readonly RecordedEvent[]) => {
      for (const event of events) projection.apply(event, cached);
    });
  }

  get name(): string {
    return this.projection.name;
  }

  /**
   * Marks it running from its stored checkpoint, clearing a previous failure; the promise
   * resolves once it has caught up, and rejects if it fails or is stopped before that.
   */
  begin(stored: Position | null): Promise<void> {
    // A reactor's stored checkpoint may hide reactions a crash cut short: it is only shown to
    // `waitFor` once the outbox has been drained (see LogFollower).
    this.checkpoint = this.projection.react === undefined ? stored : null;
    this.caughtUp = false;
    this.error = null;
    this.running = true;
    return new Promise<void>((resolve, reject) => (this.catchUp = { resolve, reject }));
  }

  reachedHead(): void {
    this.caughtUp = true;
    this.settle(null);
  }

  /** Records why it stopped (the first reason wins) and rejects a pending catch-up with it. */
  fail(error: ProjectionError): void {
    this.error ??= error;
    this.end(this.error);
  }

  /** No longer fed: a pending catch-up rejects with `reason`. */
  end(reason: Error): void {
    this.running = false;
    this.caughtUp = false;
    this.settle(reason);
  }

  private settle(error: Error | null): void {
    const catchUp = this.catchUp;
    if (catchUp === null) return;
    this.catchUp = null;
    if (error === null) catchUp.resolve();
    else catchUp.reject(error);
  }
}
