/**
 * Event-store benchmark: `npm run bench`, or after a build
 *   node dist/bench/event-store/run.js [--quick] [--json]
 * Runs every measurement on the SQLite and memory adapters, prints a table (or JSON with
 * `--json`) on stdout and writes the results to bench/results/. See bench/README.md.
 */
import { performance } from 'node:perf_hooks';
import { measureBatchAppends } from './batch-appends.js';
import type { AdapterName } from './fixtures.js';
import type { Measurement } from './measurement.js';
import { parseOptions } from './options.js';
import { measureProjectionLag } from './projection-lag.js';
import { measureReplay } from './replay.js';
import { buildReport, formatTable, machineInfo, writeResults } from './report.js';
import { measureSingleAppends } from './single-appends.js';
import { maybeGc, progress } from './stats.js';

const options = parseOptions(process.argv.slice(2));
const { sizes } = options;
const machine = machineInfo();
const started = performance.now();
const results: Measurement[] = [];
let errors = 0;

/** Runs one measurement; a crash is reported as a missing figure and the run goes on. */
async function run(key: string, metric: string, adapter: AdapterName, measure: () => Promise<Measurement | Measurement[]>) {
  maybeGc();
  try {
    const measured = await measure();
    results.push(...(Array.isArray(measured) ? measured : [measured]));
  } catch (error) {
    errors++;
    progress(`${metric} on ${adapter} failed: ${(error as Error).stack ?? String(error)}`);
    results.push({ key, metric, adapter, value: Number.NaN, unit: '', details: { error: String(error) } });
  }
}

for (const adapter of ['sqlite', 'sqlite-full', 'memory'] as const) {
  const size = adapter === 'sqlite-full' ? sizes.singleAppendsFull : sizes.singleAppends;
  await run('single_appends_per_s', 'single-event appends/s', adapter, () => measureSingleAppends(adapter, size));
}
for (const adapter of ['sqlite', 'memory'] as const) {
  await run('batch_appends_per_s', '10-event batches/s', adapter, () => measureBatchAppends(adapter, sizes.batchAppends));
}
for (const adapter of ['sqlite', 'memory'] as const) {
  await run('replay_events_per_s', 'readAll replay events/s', adapter, () =>
    measureReplay(adapter, sizes.replayEvents, sizes.replayPasses),
  );
}
for (const adapter of ['sqlite', 'memory'] as const) {
  await run('projection_lag_ms', 'projection lag', adapter, () =>
    measureProjectionLag(adapter, sizes.lagRate, sizes.lagSeconds, sizes.lagWarmupSeconds),
  );
}

const report = buildReport(options.quick, machine, (performance.now() - started) / 1000, results);
const path = writeResults(report);
if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(`${formatTable(report)}\n`);
progress(`results written to ${path}`);
// A crashed measurement fails the run; a missed target does not (the table says so).
if (errors > 0) process.exitCode = 1;
