import { performance } from 'node:perf_hooks';
import type { EventStore, NewEvent } from '#event-store';
import { type AdapterName, authCodeIssued, GrantStreams, grantBatch, openStore, randomHex128 } from './fixtures.js';
import type { Measurement } from './measurement.js';
import { maybeGc, median, progress } from './stats.js';

const FILL_CHUNK = 1_000;

/**
 * `readAll` replay events per second: the log is filled with `events` events (half single
 * `authcode-*` events, half 10-event `grant-*` batches), then `for await (const e of
 * store.readAll())` runs over all of it `passes` times after a warm-up pass; the median pass is
 * reported. This is what a projection rebuild or a cold start pays per event (rows read and both
 * JSON payloads parsed).
 */
export async function measureReplay(adapter: AdapterName, events: number, passes: number): Promise<Measurement> {
  progress(`readAll replay of ${events.toLocaleString('en-US')} events, ${adapter}: filling`);
  const subject = openStore(adapter);
  try {
    const { store } = subject;
    await fill(store, events);
    maybeGc();
    progress(`readAll replay, ${adapter}: reading`);
    await readEverything(store, events); // warm-up: page cache, statement, JIT
    const rates: number[] = [];
    for (let pass = 0; pass < passes; pass++) {
      maybeGc();
      const start = performance.now();
      await readEverything(store, events);
      rates.push(events / ((performance.now() - start) / 1000));
    }
    return {
      note: `${events.toLocaleString('en-US')} events; passes: ${rates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')}/s`,
      key: 'replay_events_per_s',
      metric: 'readAll replay events/s',
      adapter,
      value: median(rates),
      unit: '/s',
      ...(adapter === 'sqlite' ? { target: { op: '>=', value: 200_000 } as const } : {}),
      details: { events, passes, passRates: rates.map((r) => Math.round(r)).join(' ') },
    };
  } finally {
    await subject.dispose();
  }
}

/** Appends `events` events in chunks of 1,000 (the fill is not timed). */
async function fill(store: EventStore, events: number): Promise<void> {
  const grants = new GrantStreams(1_000);
  let written = 0;
  let i = 0;
  while (written < events) {
    // Half the log is single authcode events, half grant batches, as the two append shapes.
    const singles = Math.min(FILL_CHUNK / 2, events - written);
    for (let k = 0; k < singles; k++, i++) {
      const code = randomHex128();
      await store.append(`authcode-${code}`, [authCodeIssued(i, code)], 'no_stream');
    }
    written += singles;
    for (let k = 0; k < FILL_CHUNK / 20 && written < events; k++) {
      const size = Math.min(10, events - written);
      const grant = grants.take();
      const batch: NewEvent[] = grantBatch(grant.grantId, i, size);
      i += size;
      const result = await store.append(grant.stream, batch, grant.expected);
      grants.advance(grant.index, result.nextExpectedRevision);
      written += size;
    }
  }
}

async function readEverything(store: EventStore, expected: number): Promise<void> {
  let count = 0;
  let bytes = 0;
  for await (const event of store.readAll()) {
    count++;
    bytes += event.type.length; // touch the event so the read cannot be optimised away
  }
  if (count !== expected || bytes === 0) throw new Error(`readAll returned ${count} events, expected ${expected}`);
}
