import type Database from 'better-sqlite3';
import { comparePositions, type EventFilter, type EventStore, matchesFilter, type Position, type RecordedEvent } from '#event-store';
import type { CheckpointStore } from './checkpoint-store.js';
import { ProjectionError, ProjectionFailedError, ProjectionInterruptedError } from './errors.js';
import type { ProjectionTrack } from './projection-track.js';
import { batchMessages, type SubscriptionBatch } from './subscription-batches.js';

/** A projection fed by this follower, and the checkpoint it started from (events up to it are skipped). */
interface Member {
  track: ProjectionTrack;
  from: Position | null;
  /**
   * Where this process's own state (what `observe` keeps) stands: unlike `from`, it never jumps to
   * a checkpoint another process committed, so every event reaches `observe` here too.
   */
  seen: Position | null;
}

/** What one batch did for one member. */
interface MemberCommit {
  member: Member;
  /** The position committed with its rows, or null if the batch held nothing past its checkpoint. */
  reached: Position | null;
  last: RecordedEvent | null;
  failure: ProjectionFailedError | null;
  /** The events to hand to `observe` once committed: those past `seen`, whoever applied them. */
  observed: RecordedEvent[];
}

/**
 * Feeds several projections from ONE `$all` subscription: every event is read (and unsealed)
 * once, however many read models there are, and each batch of messages is committed in one
 * transaction holding every member's rows and checkpoint. The subscription starts after the
 * lowest member checkpoint; a member skips what it had already committed.
 *
 * Invariants:
 * - a member's checkpoint is only written in the transaction that wrote its rows up to it, so
 *   after a crash each resumes after its own checkpoint, never applying an event twice nor
 *   skipping one;
 * - a member whose `apply` throws fails alone: that event's writes are rolled back in its
 *   savepoint, its checkpoint stays on the event before, and the others' rows of the batch commit;
 * - when the transaction itself fails (SQLite rolled it back: disk full, I/O error) nothing of
 *   the batch is committed and every member stops as interrupted, not as failed on an event;
 * - state changes only on the event loop between awaits and every transaction is synchronous,
 *   so followers sharing one connection never interleave inside a transaction;
 * - another process may feed the same read models (two servers on one SQLite file): each batch
 *   re-reads the members' checkpoints under the write lock and skips what is already committed,
 *   so no event is applied twice, and a checkpoint another process committed counts here too.
 */
export class LogFollower {
  private readonly members = new Map<string, Member>();
  private readonly controller = new AbortController();
  private readonly commit: (batch: SubscriptionBatch) => MemberCommit[];
  private loop: Promise<void> | null = null;
  /** The batch being committed and reacted to: `remove` waits for it. */
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
    private readonly checkpoints: CheckpointStore,
    private readonly batchSize: number,
    tracks: readonly ProjectionTrack[],
    /** Called after every commit and failure, so that `waitFor` can re-check. */
    private readonly onProgress: () => void,
  ) {
    if (tracks.length === 0) throw new ProjectionError('a log follower needs at least one projection');
    for (const track of tracks) this.members.set(track.name, { track, from: null, seen: null });
    // IMMEDIATE: the write lock from the start, so that the checkpoints read inside are the ones
    // this transaction builds on, whatever another process sharing the database commits.
    const commit = db.transaction((batch: SubscriptionBatch) => [...this.members.values()].map((member) => this.commitMember(member, batch)));
    this.commit = (batch) => commit.immediate(batch);
  }

  /** The subscription loop has not ended. */
  get running(): boolean {
    return this.loop !== null;
  }

  /** Resolves when the subscription has ended (stopped, or every member gone). */
  get ended(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  /** Starts the subscription; one promise per member, settled as `ProjectionTrack.begin` says. */
  start(): Promise<void>[] {
    if (this.loop !== null) throw new ProjectionError('this log follower is already running');
    const caughtUp: Promise<void>[] = [];
    // One read transaction: each checkpoint and the state `load` rebuilds are one snapshot, even
    // while another process sharing the database commits.
    this.db.transaction(() => {
      for (const member of this.members.values()) {
        member.from = this.checkpoints.get(member.track.name);
        member.seen = member.from;
        member.track.projection.load?.(this.db);
      }
    })();
    for (const member of this.members.values()) caughtUp.push(member.track.begin(member.from));
    this.loop = this.follow(this.controller.signal).finally(() => {
      for (const member of this.members.values()) this.drop(member, new ProjectionError(`projection "${member.track.name}" was stopped before it caught up`));
      this.loop = null;
    });
    return caughtUp;
  }

  /** Aborts the subscription and resolves when its loop has ended; nothing is applied after. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  /** Stops feeding one projection (the others go on); resolves once no batch can touch it. */
  async remove(track: ProjectionTrack): Promise<void> {
    await this.inFlight;
    const member = this.members.get(track.name);
    if (member === undefined) return;
    this.drop(member, new ProjectionError(`projection "${track.name}" was stopped before it caught up`));
    if (this.members.size === 0) await this.stop();
  }

  private async follow(signal: AbortSignal): Promise<void> {
    for (const member of this.members.values()) {
      if (member.track.projection.react === undefined) continue;
      if (await this.react(member)) member.track.checkpoint = member.from;
    }
    this.onProgress();
    if (this.members.size === 0) return;
    try {
      const source = this.store.subscribeAll({ fromPosition: this.lowestCheckpoint() ?? 'start', filter: this.unionFilter(), signal });
      for await (const batch of batchMessages(source, this.batchSize)) {
        if (batch.position !== null) {
          this.inFlight = this.commitBatch(batch);
          await this.inFlight;
        }
        // A full batch means catch-up, where every message is ready at once: without a turn of
        // the event loop here, catching up runs in microtasks alone and starves everything else
        // (the server could not even start listening, nor answer /healthz, until it is done).
        if (batch.events.length >= this.batchSize) await new Promise((resolve) => setImmediate(resolve));
        if (this.members.size === 0) {
          this.controller.abort();
          return;
        }
        if (batch.caughtUp) for (const { track } of this.members.values()) track.reachedHead();
      }
      if (!signal.aborted) this.interruptAll('the subscription ended', 'the event store closed it');
    } catch (error) {
      // After an abort (stop, or every member gone) the way the source ends is moot.
      if (!signal.aborted) this.interruptAll('the subscription failed', error);
    }
  }

  private async commitBatch(batch: SubscriptionBatch): Promise<void> {
    let results: MemberCommit[];
    try {
      results = this.commit(batch);
    } catch (error) {
      this.interruptAll('the read-model transaction failed', error);
      return;
    }
    for (const { member, reached, last, failure, observed } of results) {
      const { track } = member;
      const observeFailure = this.observe(member, observed);
      if (observeFailure !== null) {
        this.drop(member, observeFailure);
        continue;
      }
      // A reactor's commit counts for `waitFor` only once its reaction is done (see Projection.react).
      if (reached !== null && !(await this.react(member))) continue;
      if (reached !== null) track.checkpoint = reached;
      if (last !== null) {
        const { position, stream, type, createdAt } = last;
        track.lastEvent = { position, stream, type, createdAt, appliedAt: new Date() };
      }
      if (failure !== null) this.drop(member, failure);
    }
    this.onProgress();
  }

  /**
   * Inside the batch transaction. The checkpoint written is the position of the last message
   * whose effects are committed with it; after a failed apply that is the event applied before
   * it, so the failed event's rows are absent and it is the first event seen again on restart.
   *
   * The member's events go in one savepoint (a savepoint per event cost a fifth of a catch-up);
   * only when one throws are they applied again one savepoint each, to keep those before it.
   * That replays those events' `apply` once more, which the contract allows: state outside the
   * database must be derivable, and a failed projection rebuilds it on restart anyway.
   */
  private commitMember(member: Member, batch: SubscriptionBatch): MemberCommit {
    const { track, seen } = member;
    const { name, filter } = track.projection;
    // This process's own state follows every event past what it has seen, whoever applied it.
    const observed = batch.events.filter(
      (event) => (seen === null || comparePositions(event.position, seen) > 0) && matchesFilter(filter, event.stream, event.type),
    );
    if (seen === null || comparePositions(batch.position!, seen) > 0) member.seen = batch.position;
    const stored = this.checkpoints.get(name);
    if (stored !== null && (member.from === null || comparePositions(stored, member.from) > 0)) member.from = stored;
    const from = member.from;
    if (from !== null && comparePositions(batch.position!, from) <= 0) {
      // Committed already, by this follower's start or by another process: nothing to apply, but
      // a checkpoint the other process moved on is reached here too (waitFor on this side).
      const ahead = track.checkpoint === null || comparePositions(from, track.checkpoint) > 0;
      return { member, reached: ahead ? from : null, last: null, failure: null, observed };
    }
    const events = batch.events.filter(
      (event) => (from === null || comparePositions(event.position, from) > 0) && matchesFilter(filter, event.stream, event.type),
    );
    try {
      track.applyAll(events);
    } catch (cause) {
      // SQLite rolled the whole transaction back (disk full, ...): not an event's fault.
      if (!this.db.inTransaction) throw cause;
      const failure = this.applyOneByOne(track, events);
      if (failure !== null) {
        const failed = failure.failure!.position;
        return { member, ...failure, observed: observed.filter((event) => comparePositions(event.position, failed) < 0) };
      }
    }
    this.checkpoints.save(name, batch.position!);
    member.from = batch.position;
    return { member, reached: batch.position, last: events.at(-1) ?? null, failure: null, observed };
  }

  /** After a failed `applyAll`: each event in its own savepoint, up to the one that fails (if it fails again). */
  private applyOneByOne(track: ProjectionTrack, events: readonly RecordedEvent[]): Omit<MemberCommit, 'member' | 'observed'> | null {
    let last: RecordedEvent | null = null;
    for (const event of events) {
      try {
        track.applyOne(event);
      } catch (cause) {
        if (!this.db.inTransaction) throw cause;
        if (last !== null) this.checkpoints.save(track.name, last.position);
        return { reached: last?.position ?? null, last, failure: new ProjectionFailedError(track.name, event, cause) };
      }
      last = event;
    }
    return null;
  }

  /** Hands committed events to the member's `observe`; a throw stops it, as a failed apply would. */
  private observe(member: Member, events: readonly RecordedEvent[]): ProjectionFailedError | null {
    const { observe, name } = member.track.projection;
    if (observe === undefined) return null;
    for (const event of events) {
      try {
        observe.call(member.track.projection, event, this.db);
      } catch (cause) {
        return new ProjectionFailedError(name, event, cause);
      }
    }
    return null;
  }

  /** Runs the member's reaction, if it has one; false (and the member dropped) if it threw. */
  private async react(member: Member): Promise<boolean> {
    const { react, name } = member.track.projection;
    if (react === undefined) return true;
    try {
      await react.call(member.track.projection, this.db);
      return true;
    } catch (error) {
      this.drop(member, new ProjectionInterruptedError(name, 'its reaction failed', error));
      return false;
    }
  }

  private interruptAll(what: string, cause: unknown): void {
    for (const member of [...this.members.values()]) this.drop(member, new ProjectionInterruptedError(member.track.name, what, cause));
    this.controller.abort();
  }

  /** Takes a member out: a ProjectionError that is a failure is recorded, a plain one only ends its catch-up. */
  private drop(member: Member, reason: ProjectionError): void {
    if (this.members.get(member.track.name) !== member) return;
    this.members.delete(member.track.name);
    if (reason instanceof ProjectionFailedError || reason instanceof ProjectionInterruptedError) member.track.fail(reason);
    else member.track.end(reason);
    this.onProgress();
  }

  private lowestCheckpoint(): Position | null {
    let lowest: Position | null = null;
    for (const { from } of this.members.values()) {
      if (from === null) return null;
      if (lowest === null || comparePositions(from, lowest) < 0) lowest = from;
    }
    return lowest;
  }

  /**
   * The store-side filter that passes every member's events: the union of their prefixes when
   * all filter on the same thing, else none (each member then filters in process).
   */
  private unionFilter(): EventFilter | undefined {
    const filters = [...this.members.values()].map(({ track }) => track.projection.filter);
    if (filters.some((filter) => filter === undefined)) return undefined;
    if (filters.every((filter) => filter!.streamNamePrefixes !== undefined)) {
      return { streamNamePrefixes: [...new Set(filters.flatMap((filter) => filter!.streamNamePrefixes!))] };
    }
    if (filters.every((filter) => filter!.eventTypePrefixes !== undefined)) {
      return { eventTypePrefixes: [...new Set(filters.flatMap((filter) => filter!.eventTypePrefixes!))] };
    }
    return undefined;
  }
}
