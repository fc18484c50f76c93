import type { EventStore } from '#event-store';
import { type Evolver, type LoadedAggregate, loadAggregate } from './aggregate-stream.js';

/**
 * Recently loaded aggregates of one kind, so that loading one again reads only the events
 * appended since (usually the one its last command wrote) instead of its whole stream. Every
 * load still reads the store, so an aggregate changed by another process is never stale, and the
 * append at the loaded revision stays the concurrency gate. Bounded, least recently used first out.
 *
 * Worth it for streams that grow with use (a grant rotates its refresh token on every refresh);
 * short streams (a code, a client) are cheaper to read whole than to keep.
 */
export class AggregateCache<S> {
  private readonly entries = new Map<string, LoadedAggregate<S>>();

  constructor(
    private readonly evolver: Evolver<S>,
    private readonly capacity: number,
  ) {}

  async load(store: EventStore, stream: string): Promise<LoadedAggregate<S>> {
    const known = this.entries.get(stream);
    const loaded = await loadAggregate(store, stream, this.evolver, known);
    if (loaded.revision !== undefined) this.remember(stream, loaded);
    return loaded;
  }

  /** How many aggregates are kept now (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private remember(stream: string, loaded: LoadedAggregate<S>): void {
    const current = this.entries.get(stream);
    // Of two loads racing in this process, the one that saw more stays.
    if (current?.revision !== undefined && current.revision > loaded.revision!) return;
    this.entries.delete(stream);
    this.entries.set(stream, loaded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
