import { type AdapterName, GrantStreams, grantBatch, openStore } from './fixtures.js';
import type { Measurement } from './measurement.js';
import type { LoopSize } from './options.js';
import { progress, round, timedLoop } from './stats.js';

const BATCH = 10;
const GRANTS = 1_000;

/**
 * 10-event batches per second: each append writes 10 grant events atomically to one of 1,000
 * `grant-<id>` streams at its expected revision (`no_stream` the first time, then the revision the
 * previous append returned), so every append also runs the optimistic-concurrency check.
 */
export async function measureBatchAppends(adapter: AdapterName, size: LoopSize): Promise<Measurement> {
  progress(`10-event batch appends, ${adapter}`);
  const subject = openStore(adapter);
  try {
    const { store } = subject;
    const grants = new GrantStreams(GRANTS);
    const result = await timedLoop(size, async (i) => {
      const grant = grants.take();
      const appended = await store.append(grant.stream, grantBatch(grant.grantId, i * BATCH, BATCH), grant.expected);
      grants.advance(grant.index, appended.nextExpectedRevision);
    });
    const perS = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
    return {
      note:
        (result.seconds >= 2
          ? `${perS(result.firstSecondPerSecond)} in the first second, ${perS(result.lastSecondPerSecond)} in the last `
          : '') + `(${(result.ops * 10).toLocaleString('en-US')} events timed)`,
      key: 'batch_appends_per_s',
      metric: '10-event batches/s',
      adapter,
      value: result.opsPerSecond,
      unit: '/s',
      details: {
        batches: result.ops,
        events: result.ops * BATCH,
        eventsPerSecond: Math.round(result.opsPerSecond * BATCH),
        seconds: round(result.seconds, 3),
        firstSecondPerS: Math.round(result.firstSecondPerSecond),
        lastSecondPerS: Math.round(result.lastSecondPerSecond),
      },
    };
  } finally {
    await subject.dispose();
  }
}
