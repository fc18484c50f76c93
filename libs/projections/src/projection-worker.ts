import type Database from 'better-sqlite3';
import type { EventStore, Position, RecordedEvent } from '#event-store';
import type { CheckpointStore } from './checkpoint-store.js';
import { ProjectionError, ProjectionFailedError, ProjectionInterruptedError } from './errors.js';
import type { Projection } from './projection.js';
import { batchMessages, type SubscriptionBatch } from './subscription-batches.js';

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

interface CommitResult {
  reached: Position | null;
  last: RecordedEvent | null;
  failure: ProjectionFailedError | null;
}

/**
 * Runs one projection: one `$all` subscription from its checkpoint, each batch of messages
 * committed in one transaction with the checkpoint. State is only changed on the event loop
 * between awaits, and every transaction is synchronous, so projections sharing one connection
 * never interleave inside a transaction.
 */
export class ProjectionWorker {
  checkpoint: Position | null = null;
  caughtUp = false;
  error: ProjectionError | null = null;
  lastEvent: AppliedEvent | null = null;
  private controller: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private catchUp: { resolve(): void; reject(error: Error): void } | null = null;
  private readonly commit: (batch: SubscriptionBatch) => CommitResult;

  constructor(
    readonly projection: Projection,
    private readonly store: EventStore,
    private readonly db: Database.Database,
    private readonly checkpoints: CheckpointStore,
    private readonly batchSize: number,
    /** Called after every commit and failure, so that `waitFor` can re-check. */
    private readonly onProgress: () => void,
  ) {
    // Nested in `commit`'s transaction, this runs in a savepoint: a throw undoes that event only.
    const applyOne = db.transaction((event: RecordedEvent) => projection.apply(event, db));
    this.commit = db.transaction((batch: SubscriptionBatch): CommitResult => this.commitLocked(batch, applyOne));
  }

  /** Its subscription loop has not ended yet (a failed one is still running while it winds down). */
  get running(): boolean {
    return this.loop !== null;
  }

  /**
   * Subscribes after the stored checkpoint (from `start` if none). Resolves once caught up;
   * rejects if the projection fails or is stopped before that. Clears a previous failure.
   */
  start(): Promise<void> {
    if (this.loop !== null) throw new ProjectionError(`projection "${this.projection.name}" is already running`);
    const stored = this.checkpoints.get(this.projection.name);
    // A reactor's stored checkpoint may hide reactions a crash cut short: it is only shown to
    // `waitFor` once the outbox has been drained (in `follow`).
    this.checkpoint = this.projection.react === undefined ? stored : null;
    this.caughtUp = false;
    this.error = null;
    const caughtUp = new Promise<void>((resolve, reject) => (this.catchUp = { resolve, reject }));
    const controller = new AbortController();
    this.controller = controller;
    this.loop = this.follow(controller.signal, stored).finally(() => {
      this.loop = null;
      this.controller = null;
      this.caughtUp = false;
      if (this.catchUp === null) return;
      const { name } = this.projection;
      this.settleCatchUp(this.error ?? new ProjectionError(`projection "${name}" was stopped before it caught up`));
    });
    return caughtUp;
  }

  /** Aborts the subscription and resolves when its loop has ended; nothing is applied after. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
  }

  private async follow(signal: AbortSignal, from: Position | null): Promise<void> {
    const { name, filter } = this.projection;
    if (this.projection.react !== undefined) {
      if (!(await this.react())) return;
      this.checkpoint = from;
      this.onProgress();
    }
    try {
      const source = this.store.subscribeAll({ fromPosition: from ?? 'start', filter, signal });
      for await (const batch of batchMessages(source, this.batchSize)) {
        if (batch.position !== null) await this.commitBatch(batch);
        if (this.error !== null) return;
        if (batch.caughtUp) {
          this.caughtUp = true;
          this.settleCatchUp(null);
        }
      }
      if (!signal.aborted) {
        this.fail(new ProjectionInterruptedError(name, 'the subscription ended', 'the event store closed it'));
      }
    } catch (error) {
      // After an abort (stop, or a failure already recorded) the way the source ends is moot.
      if (!signal.aborted) this.fail(new ProjectionInterruptedError(name, 'the subscription failed', error));
    }
  }

  private async commitBatch(batch: SubscriptionBatch): Promise<void> {
    let result: CommitResult;
    try {
      result = this.commit(batch);
    } catch (error) {
      // The whole batch rolled back: an apply broke the transaction itself, or COMMIT failed.
      const { name } = this.projection;
      this.fail(
        error instanceof ProjectionFailedError
          ? error
          : new ProjectionInterruptedError(name, 'the read-model transaction failed', error),
      );
      return;
    }
    // A reactor's commit counts for `waitFor` only once its reaction is done (see Projection.react).
    if (result.reached !== null && !(await this.react())) return;
    if (result.reached !== null) this.checkpoint = result.reached;
    const last = result.last;
    if (last !== null) {
      const { position, stream, type, createdAt } = last;
      this.lastEvent = { position, stream, type, createdAt, appliedAt: new Date() };
    }
    if (result.failure !== null) this.fail(result.failure);
    else this.onProgress();
  }

  /**
   * Inside the batch transaction. Invariant: the checkpoint written is the position of the last
   * message whose effects are committed with it; after a failed apply that is the event before
   * it, so the failed event's rows are absent and it is the first event seen again on restart.
   */
  private commitLocked(batch: SubscriptionBatch, applyOne: (event: RecordedEvent) => void): CommitResult {
    let last: RecordedEvent | null = null;
    for (const event of batch.events) {
      try {
        applyOne(event);
      } catch (cause) {
        const failure = new ProjectionFailedError(this.projection.name, event, cause);
        // SQLite may have rolled back the whole transaction (disk full, ...): commit nothing.
        if (!this.db.inTransaction) throw failure;
        if (last !== null) this.checkpoints.save(this.projection.name, last.position);
        return { reached: last?.position ?? null, last, failure };
      }
      last = event;
    }
    this.checkpoints.save(this.projection.name, batch.position!);
    return { reached: batch.position, last, failure: null };
  }

  /** Runs the projection's reaction, if it has one; false (and the projection failed) if it threw. */
  private async react(): Promise<boolean> {
    if (this.projection.react === undefined) return true;
    try {
      await this.projection.react(this.db);
      return true;
    } catch (error) {
      this.fail(new ProjectionInterruptedError(this.projection.name, 'its reaction failed', error));
      return false;
    }
  }

  /**
   * Records the failure, ends the subscription and wakes `waitFor` at once; `start` rejects once
   * the subscription has ended, so that a caller seeing the rejection never sees it running.
   */
  private fail(error: ProjectionError): void {
    this.error ??= error;
    this.controller?.abort();
    this.onProgress();
  }

  private settleCatchUp(error: Error | null): void {
    const catchUp = this.catchUp;
    if (catchUp === null) return;
    this.catchUp = null;
    if (error === null) catchUp.resolve();
    else catchUp.reject(error);
  }
}
