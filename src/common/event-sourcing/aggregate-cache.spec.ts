import { describe, expect, it } from '@jest/globals';
import { MemoryEventStore, type RecordedEvent } from '#event-store';
import { AggregateCache } from './aggregate-cache.js';
import type { Evolver } from './aggregate-stream.js';

/** Counts the events folded, to see which were read again. */
const counting: Evolver<{ folded: number; types: string[] }> = {
  initial: { folded: 0, types: [] },
  evolve: (state, event: RecordedEvent) => ({ folded: state.folded + 1, types: [...state.types, event.type] }),
};

describe('AggregateCache', () => {
  it('folds only new events onto a cached aggregate, and nothing for a missing stream', async () => {
    const store = new MemoryEventStore();
    const cache = new AggregateCache(counting, 10);
    expect(await cache.load(store, 'thing-1')).toEqual({ state: counting.initial, revision: undefined });
    expect(cache.size).toBe(0);
    await store.append('thing-1', [{ type: 'A', data: {} }, { type: 'B', data: {} }], 'no_stream');
    const first = await cache.load(store, 'thing-1');
    expect(first).toEqual({ state: { folded: 2, types: ['A', 'B'] }, revision: 1n });
    await store.append('thing-1', [{ type: 'C', data: {} }], 1n);
    const second = await cache.load(store, 'thing-1');
    expect(second).toEqual({ state: { folded: 3, types: ['A', 'B', 'C'] }, revision: 2n });
    expect(first.state.types).toEqual(['A', 'B']); // an earlier load is left as it was
  });

  it('keeps at most its capacity, evicting the least recently used', async () => {
    const store = new MemoryEventStore();
    const cache = new AggregateCache(counting, 2);
    for (const id of [1, 2, 3]) await store.append(`thing-${id}`, [{ type: 'A', data: {} }], 'no_stream');
    await cache.load(store, 'thing-1');
    await cache.load(store, 'thing-2');
    await cache.load(store, 'thing-1');
    await cache.load(store, 'thing-3'); // evicts thing-2, used least recently
    expect(cache.size).toBe(2);
    const reads: string[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (stream, options) => {
      reads.push(`${stream}@${String(options?.fromRevision)}`);
      return readStream(stream, options);
    };
    for (const id of [3, 1, 2]) await cache.load(store, `thing-${id}`);
    expect(reads).toEqual(['thing-3@1', 'thing-1@1', 'thing-2@start']);
  });
});
