/**
 * Load at scale (issue H §7): `npm run bench:scale`, or after a build
 *   node dist/bench/scale/run.js [--quick] [--events N] [--seconds S] [--concurrency N] [--json]
 * Fills a store with 1,000,000 events, then measures
 * - startup: to listening and to ready, on an empty store, on the large store with every
 *   checkpoint at the head, and with the read models stopped while more events were appended;
 * - full logins against meshid on the empty store, meshid on the large store and oidc-provider,
 *   with the same load code, one after the other in each round.
 * Prints a table (or JSON), progress on stderr, and writes bench/results/scale-<date>.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadAverage } from '../audit/report.js';
import { machineInfo } from '../event-store/report.js';
import { median, progress } from '../event-store/stats.js';
import { BenchHttpClient } from '../oidc/http-client.js';
import { type LoadResult, runLoad } from '../oidc/load.js';
import { discover, makeOperation } from '../oidc/scenarios.js';
import { type ServerUnderTest, startMeshid, startOidcProvider } from '../oidc/servers.js';
import { growLog } from './grow-log.js';
import { parseOptions } from './options.js';
import { formatTable, type LoginTarget, type ScaleBenchReport, writeResults } from './report.js';
import { type Startup, timeStartup } from './startup.js';

const options = parseOptions(process.argv.slice(2));
const started = performance.now();
const report: ScaleBenchReport = {
  benchmark: 'scale',
  quick: options.quick,
  machine: machineInfo(),
  load: { start: loadAverage(), end: [] },
  durationSeconds: 0,
  settings: { events: options.events, concurrency: options.concurrency, seconds: options.seconds, rounds: options.rounds },
  growth: null,
  startup: [],
  login: { 'empty store': [], 'large store': [], 'oidc-provider': [] },
  errors: [],
};

/** Three starts, the median of each figure: one start is at the mercy of the page cache and the scheduler. */
async function settledStartup(dataDir: string): Promise<Startup> {
  const runs = [await timeStartup(dataDir), await timeStartup(dataDir), await timeStartup(dataDir)];
  return { listeningMs: median(runs.map((run) => run.listeningMs)), readyMs: median(runs.map((run) => run.readyMs)) };
}

async function loginLoad(target: LoginTarget, start: () => Promise<ServerUnderTest>): Promise<void> {
  const server = await start();
  const http = new BenchHttpClient(options.concurrency);
  try {
    const context = await discover(server, http);
    progress(`full login against ${target}: ${options.concurrency} workers, 1+${options.seconds} s`);
    const result: LoadResult = await runLoad(server, { concurrency: options.concurrency, warmupSeconds: 1, seconds: options.seconds }, () => makeOperation('login', context));
    if (result.errors > 0) report.errors.push(`${target}: ${result.errors} failed logins, first: ${result.firstError}`);
    report.login[target].push(result);
  } finally {
    await http.close();
    await server.stop();
  }
}

const emptyDir = mkdtempSync(join(tmpdir(), 'meshid-bench-scale-empty-'));
const largeDir = mkdtempSync(join(tmpdir(), 'meshid-bench-scale-large-'));
try {
  progress('startup on an empty store (the first start creates keys; three more are timed)');
  await timeStartup(emptyDir);
  report.startup.push({ label: 'empty store', behind: 0, startup: await settledStartup(emptyDir) });

  progress(`generating ${options.events.toLocaleString('en-US')} events into ${largeDir} with the read models following`);
  report.growth = await growLog(largeDir, options.events, 'following');
  progress(`startup on the large store (${report.growth.head}), every checkpoint at the head`);
  report.startup.push({ label: `large store, ${report.growth.head}`, behind: 0, startup: await settledStartup(largeDir) });
  for (const behind of options.behind) {
    progress(`appending ${behind.toLocaleString('en-US')} events with the read models stopped, then one timed start`);
    const growth = await growLog(largeDir, behind, 'stopped');
    report.startup.push({ label: `large store, ${growth.head}`, behind: growth.events, startup: await timeStartup(largeDir) });
  }

  for (let round = 1; round <= options.rounds; round++) {
    progress(`login round ${round} of ${options.rounds}`);
    await loginLoad('empty store', () => startMeshid([], { dataDir: emptyDir }));
    await loginLoad('large store', () => startMeshid([], { dataDir: largeDir }));
    await loginLoad('oidc-provider', () => startOidcProvider([]));
  }
} catch (error) {
  report.errors.push((error as Error).message);
  progress(`the run failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  rmSync(emptyDir, { recursive: true, force: true });
  rmSync(largeDir, { recursive: true, force: true });
}

report.load.end = loadAverage();
report.durationSeconds = Math.round((performance.now() - started) / 100) / 10;
const path = writeResults(report);
if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(`${formatTable(report)}\n`);
progress(`results written to ${path}`);
// A crash or failed logins fail the run; a missed target does not (the table says so).
if (report.errors.length > 0) process.exitCode = 1;
