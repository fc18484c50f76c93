import { describe, expect, it } from '@jest/globals';
import { MemoryEventStore } from '#event-store';
import { runEventStoreContract } from '../../libs/event-store/src/testing/event-store.contract.js';
import { EventStoreMetrics } from './event-store-metrics.js';
import { MetricsRegistry } from './metrics-registry.js';
import { TimedEventStore } from './timed-event-store.js';

// The decorator changes nothing a caller can see: the whole port contract holds through it.
const inner = new WeakMap<TimedEventStore, MemoryEventStore>();
runEventStoreContract('memory, timed', {
  create: async (now) => {
    const memory = new MemoryEventStore({ now });
    const timed = new TimedEventStore(memory, new EventStoreMetrics(new MetricsRegistry()));
    inner.set(timed, memory);
    return timed;
  },
  seedStreamAt: async (store, stream, revision) => inner.get(store as TimedEventStore)!.seedStreamAt(stream, revision),
  maxAgeOf: async (store, stream) => inner.get(store as TimedEventStore)!.streamMaxAge(stream),
  embedded: true,
});

async function sampleCounts(registry: MetricsRegistry): Promise<Map<string, number>> {
  const metric = await registry.getSingleMetric('meshid_event_store_operation_duration_seconds')!.get();
  const counts = new Map<string, number>();
  for (const value of metric.values as Array<{ metricName?: string; labels: Record<string, string | number>; value: number }>) {
    if (value.metricName?.endsWith('_count')) counts.set(`${value.labels.operation}/${value.labels.outcome}`, value.value);
  }
  return counts;
}

describe('TimedEventStore', () => {
  it('observes each append and each read once, by operation and outcome, whether a read runs to its end or is broken off', async () => {
    const registry = new MetricsRegistry();
    const store = new TimedEventStore(new MemoryEventStore(), new EventStoreMetrics(registry));
    await store.append('thing-1', [{ type: 'ThingHappened', data: {} }, { type: 'ThingHappened', data: {} }], 'no_stream');
    await expect(store.append('thing-1', [{ type: 'ThingHappened', data: {} }], 'no_stream')).rejects.toThrow();
    const all = [];
    for await (const event of store.readStream('thing-1')) all.push(event);
    expect(all).toHaveLength(2);
    for await (const event of store.readAll()) {
      expect(event.stream).toBe('thing-1');
      break;
    }
    expect(await sampleCounts(registry)).toEqual(
      new Map([
        ['append/ok', 1],
        ['append/error', 1],
        ['read_stream/ok', 1],
        ['read_all/ok', 1],
      ]),
    );
  });
});
