/**
 * Audit-log benchmark (issue F §6): `npm run bench:audit`, or after a build
 *   node dist/bench/audit/run.js [--quick] [--events N] [--json]
 * Generates a log through the application's EVENT_STORE, then measures NDJSON export, replay of
 * every read model and verification of the seals, with memory along the way. Prints a table (or
 * JSON) on stdout, progress on stderr, and writes bench/results/audit-<date>.json. See bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type Position } from '#event-store';
import { withOfflineApplication } from '../../src/cli/offline-application.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ProjectionsService } from '../../src/storage/projections.service.js';
import { RAW_EVENT_STORE } from '../../src/storage/storage.tokens.js';
import { machineInfo } from '../event-store/report.js';
import { progress } from '../event-store/stats.js';
import { type ExportPass, exportPass } from './export-bench.js';
import { generateLog } from './generate-log.js';
import { exportRow, flatRow, prefixRow, rawExportRow, replayRow, verifyRow } from './measurements.js';
import { parseOptions } from './options.js';
import { type AuditMeasurement, buildReport, formatTable, loadAverage, NO_COMPARISON, writeResults } from './report.js';
import { replayPass } from './replay-bench.js';
import { sealEverything, verifyPass } from './verify-bench.js';

const options = parseOptions(process.argv.slice(2));
const machine = machineInfo();
const loadStart = loadAverage();
const started = performance.now();
const results: AuditMeasurement[] = [];
const memory: Record<string, import('./memory-probe.js').MemorySample[]> = {};
const generation: Record<string, number> = {};
let errors = 0;

/** Runs one measurement; a crash is reported as a missing figure and the run goes on. */
async function run(key: string, metric: string, measure: () => Promise<AuditMeasurement[]>): Promise<void> {
  try {
    results.push(...(await measure()));
  } catch (error) {
    errors++;
    progress(`${metric} failed: ${(error as Error).stack ?? String(error)}`);
    results.push({ key, metric, adapter: 'sqlite', value: Number.NaN, unit: '', details: { error: String(error) } });
  }
}

async function lastPosition(store: EventStore): Promise<Position> {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
  throw new Error('the generated log is empty');
}

/** Export: a warm-up on a prefix, the whole log timed with memory sampled, then the 250k prefix. */
async function measureExport(store: EventStore, raw: EventStore, marks: Map<number, Position>): Promise<{ logEvents: number; rows: AuditMeasurement[] }> {
  await exportPass(store, options.warmupEvents, marks.get(options.warmupEvents));
  progress('export: whole log');
  const full = await exportPass(store, options.events);
  progress(`export: ${full.events.toLocaleString('en-US')} events at ${Math.round(full.eventsPerSecond).toLocaleString('en-US')}/s; now the ${options.prefixEvents.toLocaleString('en-US')}-event prefix`);
  const prefix: ExportPass = await exportPass(store, options.prefixEvents, marks.get(options.prefixEvents));
  memory['export'] = full.memory;
  memory['exportPrefix'] = prefix.memory;
  progress('export: whole log through the raw store (diagnostic: personal data left sealed)');
  const sealed = await exportPass(raw, options.events);
  return { logEvents: full.events, rows: [exportRow(full), flatRow('export', full.memory), prefixRow(prefix, full), rawExportRow(sealed)] };
}

async function measureReplay(app: INestApplicationContext, store: EventStore, head: Position, warmup: Position, logEvents: number): Promise<AuditMeasurement[]> {
  await replayPass(app, store, warmup, options.warmupEvents);
  progress('replay: whole log, timed');
  const timed = await replayPass(app, store, head, logEvents);
  progress(`replay: ${Math.round(timed.eventsPerSecond).toLocaleString('en-US')}/s; again with memory sampled`);
  const sampled = await replayPass(app, store, head, logEvents, true);
  memory['replay'] = sampled.memory!;
  return [replayRow(timed, logEvents), flatRow('replay', sampled.memory!)];
}

const dataDir = mkdtempSync(join(tmpdir(), 'meshid-bench-audit-'));
try {
  const loaded = loadConfig({ env: {}, cwd: dataDir, overrides: { dataDir } });
  let marks = new Map<number, Position>();
  progress(`generating ${options.events.toLocaleString('en-US')} events in ${dataDir} through the offline application`);
  await withOfflineApplication(loaded, async (app) => {
    const generated = await generateLog(app.get<EventStore>(EVENT_STORE), options.events, [options.warmupEvents, options.prefixEvents]);
    marks = generated.marks;
    const caughtUp = performance.now();
    progress('generated; waiting for the projections and the sealer');
    await app.get(ProjectionsService).caughtUp();
    await sealEverything(app);
    Object.assign(generation, {
      events: generated.appended,
      appends: generated.appends,
      appendSeconds: Math.round(generated.seconds * 10) / 10,
      eventsPerSecond: Math.round(generated.appended / generated.seconds),
      catchUpAndSealSeconds: Math.round((performance.now() - caughtUp) / 100) / 10,
    });
  });
  progress('measuring in a fresh offline application on the generated data directory');
  await withOfflineApplication(loaded, async (app) => {
    const store = app.get<EventStore>(EVENT_STORE);
    const head = await lastPosition(store);
    let logEvents = options.events;
    await run('export_ndjson_events_per_s', 'export NDJSON events/s', async () => {
      const measured = await measureExport(store, app.get<EventStore>(RAW_EVENT_STORE), marks);
      logEvents = measured.logEvents;
      return measured.rows;
    });
    await run('replay_events_per_s', 'replay all read models events/s', () => measureReplay(app, store, head, marks.get(options.warmupEvents)!, logEvents));
    progress('verify: whole log');
    await run('verify_events_per_s', 'verify events/s', async () => [verifyRow(await verifyPass(app))]);
  });
} catch (error) {
  errors++;
  progress(`the run failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

results.unshift({
  key: 'generate_events_per_s',
  metric: 'generate (not a target)',
  adapter: 'sqlite',
  value: generation['eventsPerSecond'] ?? Number.NaN,
  unit: '/s',
  details: generation,
  note: `${(generation['events'] ?? 0).toLocaleString('en-US')} events in ${generation['appends']?.toLocaleString('en-US')} appends through EVENT_STORE in ${generation['appendSeconds']} s, then ${generation['catchUpAndSealSeconds']} s for projections and sealer to catch up`,
});
const report = buildReport(
  { quick: options.quick, machine, load: { start: loadStart, end: loadAverage() }, durationSeconds: Math.round((performance.now() - started) / 100) / 10, generation, memory },
  results,
);
const path = writeResults(report);
if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(`${formatTable(report)}\n`);
progress(`results written to ${path} (${NO_COMPARISON})`);
// A crash fails the run; a missed target does not (the table says so).
if (errors > 0) process.exitCode = 1;
