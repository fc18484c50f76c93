import type Database from 'better-sqlite3';
import type { EventStore, Position } from '#event-store';
import { CheckpointStore } from './checkpoint-store.js';
import { ProjectionError } from './errors.js';
import { LogFollower } from './log-follower.js';
import { PositionWaiters } from './position-waiters.js';
import type { Projection } from './projection.js';
import { type AppliedEvent, ProjectionTrack } from './projection-track.js';

export interface ProjectionRunnerOptions {
  /** The most subscription messages committed in one transaction. Default 500. */
  batchSize?: number;
}

export interface StartOptions {
  /** Resolve only once every projection has caught up (default), or as soon as they are started. */
  waitForCatchUp?: boolean;
}

export interface ProjectionStatus {
  name: string;
  /** Its subscription is running (false once stopped or failed). */
  running: boolean;
  /** It has applied the whole log and follows new appends live. */
  caughtUp: boolean;
  /** The last position committed, or null if it never committed one. */
  checkpoint: Position | null;
  /** Why it stopped, if it failed: a `ProjectionFailedError` message names the event. */
  error: string | null;
  /** The last event it applied, with when it was appended and when it was applied. */
  lastEvent: AppliedEvent | null;
}

/** What a readiness probe needs: ready means every projection is live and none failed. */
export interface ProjectionReadiness {
  ready: boolean;
  /** Not live yet (catching up) or not started. */
  catchingUp: string[];
  failed: { name: string; error: string }[];
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_TABLES = new Set(['projection_checkpoints', 'schema_migrations']);

/**
 * Feeds read models from the log: the projections started together share one `$all`
 * subscription and one transaction per batch (see `LogFollower`), each from its own checkpoint
 * kept in the read-model database. A projection that fails stops alone; the others keep running.
 * One restarted or rebuilt later gets a follower of its own, since it is behind the others.
 */
export class ProjectionRunner {
  private readonly tracks = new Map<string, ProjectionTrack>();
  private readonly followers = new Set<LogFollower>();
  private readonly checkpoints: CheckpointStore;
  private readonly waiters = new PositionWaiters();
  private readonly batchSize: number;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
    projections: readonly Projection[],
    options: ProjectionRunnerOptions = {},
  ) {
    const batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    }
    this.batchSize = batchSize;
    validateProjections(projections);
    this.checkpoints = new CheckpointStore(db);
    for (const projection of projections) this.tracks.set(projection.name, new ProjectionTrack(projection, db));
  }

  /**
   * Starts every projection that is not running (a failed one is retried from its checkpoint),
   * all on one new follower. Resolves once they have caught up, or at once with
   * `waitForCatchUp: false`; rejects with the first error if one fails or is stopped before
   * catching up (the others keep running).
   */
  async start(options: StartOptions = {}): Promise<void> {
    const idle = [...this.tracks.values()].filter((track) => !track.running);
    if (idle.length === 0) return;
    const caughtUp = this.follow(idle);
    // Failures are recorded on the track and shown by `status()`; never leave them unhandled.
    for (const promise of caughtUp) promise.catch(() => undefined);
    if (options.waitForCatchUp ?? true) await Promise.all(caughtUp);
  }

  /** Aborts every subscription; resolves when all their loops have ended. Safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all([...this.followers].map((follower) => follower.stop()));
  }

  /**
   * Read-your-writes: resolves when every projection (or those `names`) has committed
   * `position`, the position an append returned. Rejects with a `ProjectionLagTimeoutError`
   * naming the lagging projections after `timeoutMs`, or at once with the error of a projection
   * that failed before reaching it. Name the projections the write concerns: a filtered
   * projection only passes events it skips when the store reports a checkpoint, which KurrentDB
   * does at intervals.
   */
  waitFor(position: Position, timeoutMs: number, names?: readonly string[]): Promise<void> {
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      return Promise.reject(new RangeError(`timeoutMs must be a finite number >= 0, got ${timeoutMs}`));
    }
    try {
      const tracks = names === undefined ? [...this.tracks.values()] : names.map((name) => this.track(name));
      return this.waiters.wait(position, timeoutMs, tracks.map(asWaited));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  status(): ProjectionStatus[] {
    return [...this.tracks.values()].map((track) => ({
      name: track.name,
      running: track.running && track.error === null,
      caughtUp: track.caughtUp,
      checkpoint: track.checkpoint,
      error: track.error?.message ?? null,
      lastEvent: track.lastEvent,
    }));
  }

  readiness(): ProjectionReadiness {
    const catchingUp: string[] = [];
    const failed: { name: string; error: string }[] = [];
    for (const track of this.tracks.values()) {
      if (track.error !== null) failed.push({ name: track.name, error: track.error.message });
      else if (!track.caughtUp) catchingUp.push(track.name);
    }
    return { ready: catchingUp.length === 0 && failed.length === 0, catchingUp, failed };
  }

  /** Why the projection stopped, as the error itself (a ProjectionFailedError names the event), or null. */
  failure(name: string): ProjectionError | null {
    return this.track(name).error;
  }

  /**
   * Stops the projection, empties its tables and deletes its checkpoint in one transaction, then
   * replays the log into it; resolves once it has caught up again. Clears a previous failure.
   */
  async rebuild(name: string): Promise<void> {
    const track = this.track(name);
    await Promise.all([...this.followers].map((follower) => follower.remove(track)));
    const { tables } = track.projection;
    this.db.transaction(() => {
      // Tables may reference each other; the references only need to hold once all are empty.
      this.db.pragma('defer_foreign_keys = ON');
      for (const table of tables) this.db.prepare(`DELETE FROM "${table}"`).run();
      this.checkpoints.delete(name);
    })();
    track.lastEvent = null;
    await Promise.all(this.follow([track]));
  }

  /** A new follower for `tracks`, forgotten once its subscription ends. */
  private follow(tracks: ProjectionTrack[]): Promise<void>[] {
    const follower = new LogFollower(this.store, this.db, this.checkpoints, this.batchSize, tracks, () => this.waiters.check());
    this.followers.add(follower);
    const caughtUp = follower.start();
    void follower.ended.then(() => this.followers.delete(follower));
    return caughtUp;
  }

  private track(name: string): ProjectionTrack {
    const track = this.tracks.get(name);
    if (track === undefined) throw new ProjectionError(`no projection named "${name}"`);
    return track;
  }
}

/** A live view of a track for `PositionWaiters`: it reads the current checkpoint at each check. */
function asWaited(track: ProjectionTrack) {
  return {
    name: track.name,
    get checkpoint() {
      return track.checkpoint;
    },
    get error() {
      return track.error;
    },
  };
}

/** Names unique and non-empty; tables plain identifiers, owned by one projection, not the runner's own. */
function validateProjections(projections: readonly Projection[]): void {
  const names = new Set<string>();
  const owners = new Map<string, string>();
  for (const { name, tables } of projections) {
    if (typeof name !== 'string' || name.length === 0) throw new ProjectionError('a projection has no name');
    if (names.has(name)) throw new ProjectionError(`two projections are named "${name}"`);
    names.add(name);
    for (const table of tables) {
      if (!TABLE_NAME.test(table) || RESERVED_TABLES.has(table)) {
        throw new ProjectionError(`projection "${name}" lists an invalid table "${table}"`);
      }
      const owner = owners.get(table.toLowerCase());
      if (owner !== undefined) throw new ProjectionError(`table "${table}" is owned by both "${owner}" and "${name}"`);
      owners.set(table.toLowerCase(), name);
    }
  }
}
