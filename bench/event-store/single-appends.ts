import { type AdapterName, authCodeIssued, openStore, randomHex128 } from './fixtures.js';
import type { Measurement } from './measurement.js';
import type { LoopSize } from './options.js';
import { progress, round, timedLoop } from './stats.js';

/**
 * Single-event appends per second: one `AuthorizationCodeIssued` per call to a new
 * `authcode-<hex>` stream with `no_stream`, each awaited before the next (the authorize
 * endpoint's write). The target applies to SQLite at its default (`normal`) durability;
 * `full` durability is reported beside it without a target.
 */
export async function measureSingleAppends(adapter: AdapterName, size: LoopSize): Promise<Measurement> {
  progress(`single-event appends, ${adapter}`);
  const subject = openStore(adapter);
  try {
    const { store } = subject;
    const result = await timedLoop(size, (i) => {
      const code = randomHex128();
      return store.append(`authcode-${code}`, [authCodeIssued(i, code)], 'no_stream');
    });
    const perS = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
    return {
      note:
        (result.seconds >= 2
          ? `${perS(result.firstSecondPerSecond)} in the first second, ${perS(result.lastSecondPerSecond)} in the last `
          : '') + `(log at ${(size.warmupOps + result.ops).toLocaleString('en-US')} events at the end)`,
      key: 'single_appends_per_s',
      metric: 'single-event appends/s',
      adapter,
      value: result.opsPerSecond,
      unit: '/s',
      ...(adapter === 'sqlite' ? { target: { op: '>=', value: 20_000 } as const } : {}),
      details: {
        appends: result.ops,
        eventsInLogAtEnd: size.warmupOps + result.ops,
        seconds: round(result.seconds, 3),
        firstSecondPerS: Math.round(result.firstSecondPerSecond),
        lastSecondPerS: Math.round(result.lastSecondPerSecond),
        meanLatencyUs: round((result.seconds * 1e6) / result.ops, 1),
      },
    };
  } finally {
    await subject.dispose();
  }
}
