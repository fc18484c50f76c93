import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import type { EventStore, Position, SubscribeAllOptions, SubscriptionMessage } from '#event-store';
import { replayLog } from '../../src/audit/replay/replay-engine.js';
import { freshProjections } from '../../src/audit/replay/replay-projections.js';
import { withScratchReadModels } from '../../src/audit/replay/scratch-database.js';
import { maybeGc } from '../event-store/stats.js';
import { MemoryProbe, type MemorySample } from './memory-probe.js';

export interface ReplayPass {
  seconds: number;
  /** Events of the log up to the target, over the seconds (every projection sees each at most once). */
  eventsPerSecond: number;
  /** `apply` calls, all projections together. */
  applied: number;
  projections: number;
  memory?: MemorySample[];
}

/**
 * Rebuilds every read model from the log into a fresh scratch database, up to `until`, the way
 * `meshid audit replay` does: new projection instances built by Nest (freshProjections), the
 * scratch database of withScratchReadModels, replayLog over EVENT_STORE (personal data opened).
 * Timed: replayLog alone. With `sampleMemory`, the store is wrapped to count events for the
 * memory probe (a layer of its own, so such a pass is not the timed one).
 */
export async function replayPass(app: INestApplicationContext, store: EventStore, until: Position, logEvents: number, sampleMemory = false): Promise<ReplayPass> {
  const projections = await freshProjections(app);
  const probe = sampleMemory ? new MemoryProbe(logEvents) : undefined;
  const source = probe ? counting(store, probe) : store;
  return withScratchReadModels(async (scratch) => {
    maybeGc();
    const start = performance.now();
    const outcomes = await replayLog(source, scratch.db, projections.map((projection) => ({ projection, until })));
    const seconds = (performance.now() - start) / 1000;
    return {
      seconds,
      eventsPerSecond: logEvents / seconds,
      applied: outcomes.reduce((sum, outcome) => sum + outcome.applied, 0),
      projections: projections.length,
      ...(probe ? { memory: probe.finish(logEvents) } : {}),
    };
  });
}

const PROBE_EVERY = 1_000;

/** `store` with `subscribeAll` counting the events it delivers into `probe`. */
function counting(store: EventStore, probe: MemoryProbe): EventStore {
  async function* subscribeAll(options?: SubscribeAllOptions): AsyncIterable<SubscriptionMessage> {
    let events = 0;
    for await (const message of store.subscribeAll(options)) {
      if (message.kind === 'event' && ++events % PROBE_EVERY === 0) probe.observe(events);
      yield message;
    }
  }
  return new Proxy(store, {
    get(target, property) {
      if (property === 'subscribeAll') return subscribeAll;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
