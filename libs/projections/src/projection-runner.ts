import type Database from 'better-sqlite3';
import type { EventStore, Position } from '#event-store';
import { CheckpointStore } from './checkpoint-store.js';
import { ProjectionError } from './errors.js';
import { PositionWaiters } from './position-waiters.js';
import type { Projection } from './projection.js';
import { type AppliedEvent, ProjectionWorker } from './projection-worker.js';

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
 * Feeds read models from the log: one `$all` subscription per projection, from the checkpoint
 * kept in the read-model database, rows and checkpoint committed in one transaction (see
 * `ProjectionWorker`). A projection that fails stops alone; the others keep running.
 */
export class ProjectionRunner {
  private readonly workers = new Map<string, ProjectionWorker>();
  private readonly checkpoints: CheckpointStore;
  private readonly waiters = new PositionWaiters();

  constructor(
    store: EventStore,
    private readonly db: Database.Database,
    projections: readonly Projection[],
    options: ProjectionRunnerOptions = {},
  ) {
    const batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    }
    validateProjections(projections);
    this.checkpoints = new CheckpointStore(db);
    const onProgress = () => this.waiters.check();
    for (const projection of projections) {
      const worker = new ProjectionWorker(projection, store, db, this.checkpoints, batchSize, onProgress);
      this.workers.set(projection.name, worker);
    }
  }

  /**
   * Starts every projection that is not running (a failed one is retried from its checkpoint).
   * Resolves once all have caught up, or at once with `waitForCatchUp: false`; rejects with the
   * first error if one fails or is stopped before catching up (the others keep running).
   */
  async start(options: StartOptions = {}): Promise<void> {
    const workers = [...this.workers.values()];
    // A failed projection may still be winding down its subscription: let it end, then retry it.
    await Promise.all(workers.filter((worker) => worker.error !== null).map((worker) => worker.stop()));
    const caughtUp = workers.filter((worker) => !worker.running).map((worker) => worker.start());
    // Failures are recorded on the worker and shown by `status()`; never leave them unhandled.
    for (const promise of caughtUp) promise.catch(() => undefined);
    if (options.waitForCatchUp ?? true) await Promise.all(caughtUp);
  }

  /** Aborts every subscription; resolves when all their loops have ended. Safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
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
      const workers = names === undefined ? [...this.workers.values()] : names.map((name) => this.worker(name));
      return this.waiters.wait(position, timeoutMs, workers.map(asWaited));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  status(): ProjectionStatus[] {
    return [...this.workers.values()].map((worker) => ({
      name: worker.projection.name,
      running: worker.running && worker.error === null,
      caughtUp: worker.caughtUp,
      checkpoint: worker.checkpoint,
      error: worker.error?.message ?? null,
      lastEvent: worker.lastEvent,
    }));
  }

  readiness(): ProjectionReadiness {
    const catchingUp: string[] = [];
    const failed: { name: string; error: string }[] = [];
    for (const worker of this.workers.values()) {
      if (worker.error !== null) failed.push({ name: worker.projection.name, error: worker.error.message });
      else if (!worker.caughtUp) catchingUp.push(worker.projection.name);
    }
    return { ready: catchingUp.length === 0 && failed.length === 0, catchingUp, failed };
  }

  /**
   * Stops the projection, empties its tables and deletes its checkpoint in one transaction, then
   * replays the log into it; resolves once it has caught up again. Clears a previous failure.
   */
  async rebuild(name: string): Promise<void> {
    const worker = this.worker(name);
    await worker.stop();
    const { tables } = worker.projection;
    this.db.transaction(() => {
      // Tables may reference each other; the references only need to hold once all are empty.
      this.db.pragma('defer_foreign_keys = ON');
      for (const table of tables) this.db.prepare(`DELETE FROM "${table}"`).run();
      this.checkpoints.delete(name);
    })();
    worker.lastEvent = null;
    await worker.start();
  }

  private worker(name: string): ProjectionWorker {
    const worker = this.workers.get(name);
    if (worker === undefined) throw new ProjectionError(`no projection named "${name}"`);
    return worker;
  }
}

/** A live view of a worker for `PositionWaiters`: it reads the current checkpoint at each check. */
function asWaited(worker: ProjectionWorker) {
  return {
    name: worker.projection.name,
    get checkpoint() {
      return worker.checkpoint;
    },
    get error() {
      return worker.error;
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
