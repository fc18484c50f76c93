import { comparePositions, type EventStore, type Position, type RecordedEvent } from '#event-store';
import type { LoggedEntry } from './range-check.js';
import { eventEntry, LOG_SEALS_STREAM } from './seal-format.js';

/**
 * `$all` forwards, as the seals cover it: without `log-seals` events, cut into seal ranges, each
 * event with its entry. One pass over the log whatever the number of seals.
 */
export class SealedLogCursor {
  private readonly events: AsyncIterator<RecordedEvent>;
  /** The first event past the last range taken; undefined when none is held. */
  private held: RecordedEvent | undefined;

  constructor(
    store: EventStore,
    private readonly key: Buffer,
  ) {
    this.events = store.readAll()[Symbol.asyncIterator]();
  }

  /** The next event without taking it, or null at the end of the log. */
  async peek(): Promise<LoggedEntry | null> {
    this.held ??= await this.next();
    return this.held ? this.entryOf(this.held) : null;
  }

  /** The events up to `through` (inclusive) not taken yet. */
  async takeThrough(through: Position): Promise<LoggedEntry[]> {
    const taken: LoggedEntry[] = [];
    for (let event = await this.take(); event !== undefined; event = await this.take()) {
      if (comparePositions(event.position, through) > 0) {
        this.held = event;
        break;
      }
      taken.push(this.entryOf(event));
    }
    return taken;
  }

  /** How many events remain. */
  async countRest(): Promise<number> {
    let count = 0;
    while ((await this.take()) !== undefined) count++;
    return count;
  }

  async close(): Promise<void> {
    await this.events.return?.();
  }

  private async take(): Promise<RecordedEvent | undefined> {
    const held = this.held;
    this.held = undefined;
    return held ?? this.next();
  }

  private async next(): Promise<RecordedEvent | undefined> {
    for (;;) {
      const result = await this.events.next();
      if (result.done) return undefined;
      if (result.value.stream !== LOG_SEALS_STREAM) return result.value;
    }
  }

  private entryOf(event: RecordedEvent): LoggedEntry {
    return { position: event.position, stream: event.stream, revision: event.revision, entry: eventEntry(this.key, event) };
  }
}
