import type { LoggerService } from '@nestjs/common';
import {
  comparePositions,
  type EventStore,
  formatPosition,
  parsePosition,
  type Position,
  type RecordedEvent,
  WrongExpectedVersionError,
} from '#event-store';
import { LOG_SEALED, LOG_SEALS_STREAM, type LogSealedData, readSeal, sealChain } from './seal-format.js';

/** An event seen by the sealer and not sealed yet. */
export interface PendingEntry {
  position: Position;
  entry: string;
  /** Clock time it arrived, for the interval cadence. */
  arrivedAt: number;
}

/** The last seal in `log-seals` as this writer knows it; sequence -1 before the first. */
interface SealHead {
  sequence: number;
  chain: string | null;
  through: Position | null;
}

/**
 * The entries of the last seal another writer won, for checking the events this writer receives
 * afterwards inside that seal's range (only that seal's: memory stays bounded by one seal).
 */
interface AdoptedSeal {
  after: Position | null;
  sequence: number;
  entries: string[];
  next: number;
}

/**
 * The state of one sealer: the head of `log-seals` and the entries pending after it, and the
 * append of the next seal through the one-stream gate. A seal is appended at the revision of the
 * seal it follows, so when replicas seal at once exactly one seal per sequence is recorded; a
 * loser adopts the winners, drops its pending entries they cover, and reports as divergence any
 * of those entries that differs from what the winner sealed (both hashed the same stored events,
 * so a difference means a different key or a log that changed under one of them).
 */
export class SealWriter {
  private head: SealHead = { sequence: -1, chain: null, through: null };
  private pending: PendingEntry[] = [];
  private adopted: AdoptedSeal | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly key: Buffer,
    private readonly logger: LoggerService,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  oldestArrival(): number | undefined {
    return this.pending[0]?.arrivedAt;
  }

  /** Forgets all state and reads the last seal; answers its `through`, where following resumes. */
  async loadHead(): Promise<Position | null> {
    this.pending = [];
    this.adopted = null;
    this.head = { sequence: -1, chain: null, through: null };
    for await (const event of this.store.readStream(LOG_SEALS_STREAM, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })) {
      const seal = readSeal(event);
      if (typeof seal === 'string') throw new Error(`the last seal (revision ${event.revision}) is malformed: ${seal}`);
      this.head = { sequence: seal.sequence, chain: seal.chain, through: parsePosition(seal.through) };
    }
    return this.head.through;
  }

  /** Takes an event's entry; false when a seal already covers it (another writer's). */
  add(entry: PendingEntry, event: RecordedEvent): boolean {
    if (this.head.through !== null && comparePositions(entry.position, this.head.through) <= 0) {
      this.checkAdopted(entry, event);
      return false;
    }
    this.pending.push(entry);
    return true;
  }

  /** Appends one seal over up to `max` pending entries; on a lost race, adopts the winners instead. */
  async sealPending(max: number): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending.slice(0, max);
    const last = batch[batch.length - 1]!.position;
    const body = {
      sequence: this.head.sequence + 1,
      after: this.head.through && formatPosition(this.head.through),
      through: formatPosition(last),
      count: batch.length,
      entries: batch.map((pending) => pending.entry),
    };
    const seal: LogSealedData = { ...body, chain: sealChain(this.key, this.head.chain, body) };
    try {
      await this.store.append(LOG_SEALS_STREAM, [{ type: LOG_SEALED, data: seal, metadata: { actor: 'system' } }], this.head.sequence < 0 ? 'no_stream' : BigInt(this.head.sequence));
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      await this.adoptWinners();
      return;
    }
    this.head = { sequence: seal.sequence, chain: seal.chain, through: last };
    this.pending.splice(0, batch.length);
  }

  /** Reads the seals appended after ours by other writers and moves past them. */
  private async adoptWinners(): Promise<void> {
    for await (const event of this.store.readStream(LOG_SEALS_STREAM, { fromRevision: BigInt(this.head.sequence + 1) })) {
      const seal = readSeal(event);
      if (typeof seal === 'string') throw new Error(`seal ${event.revision} of another writer is malformed: ${seal}`);
      if (sealChain(this.key, this.head.chain, seal) !== seal.chain || seal.after !== (this.head.through && formatPosition(this.head.through))) {
        this.logger.error(
          `seal ${seal.sequence} of another writer does not follow seal ${this.head.sequence} under this data directory's key ` +
            '(a different pepper, or an altered seal); run meshid audit verify',
        );
      }
      const through = parsePosition(seal.through);
      let covered = 0;
      while (covered < this.pending.length && comparePositions(this.pending[covered]!.position, through) <= 0) covered++;
      const differs = this.pending.slice(0, covered).findIndex((pending, index) => pending.entry !== seal.entries[index]);
      if (differs >= 0) this.reportDivergence(seal.sequence, this.pending[differs]!.position);
      this.pending.splice(0, covered);
      this.adopted = { after: this.head.through, sequence: seal.sequence, entries: seal.entries, next: covered };
      this.head = { sequence: seal.sequence, chain: seal.chain, through };
    }
  }

  /** An event another writer sealed arrives: it must be the next entry of that seal. */
  private checkAdopted(entry: PendingEntry, event: RecordedEvent): void {
    const adopted = this.adopted;
    if (adopted === null || (adopted.after !== null && comparePositions(entry.position, adopted.after) <= 0)) return;
    if (adopted.entries[adopted.next++] !== entry.entry) {
      this.reportDivergence(adopted.sequence, entry.position, event);
      this.adopted = null;
    }
  }

  private reportDivergence(sequence: number, position: Position, event?: RecordedEvent): void {
    const what = event ? ` (stream ${event.stream}, revision ${event.revision})` : '';
    this.logger.error(
      `divergence: seal ${sequence}, written by another writer, differs from this writer's view of the event at position ` +
        `${formatPosition(position)}${what}; run meshid audit verify`,
    );
  }
}
