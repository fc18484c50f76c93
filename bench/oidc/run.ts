/**
 * OIDC benchmark: `npm run bench:oidc`, or after a build
 *   node dist/bench/oidc/run.js [--quick] [--json] [--concurrency N] [--seconds S] [--cpu-prof] [--only a,b]
 * Starts meshid and oidc-provider, each in a child process of its own, runs every scenario against
 * one then the other with the same load code, prints a table (or JSON with `--json`) on stdout and
 * writes the results to bench/results/. See bench/README.md.
 */
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { progress } from '../event-store/stats.js';
import { type LoadResult, runLoad } from './load.js';
import { parseOptions } from './options.js';
import { formatTable, type MemoryResult, oidcMachineInfo, type OidcBenchReport, type ScenarioResult, verdictOf, writeResults } from './report.js';
import { BenchHttpClient } from './http-client.js';
import { discover, makeOperation, SCENARIOS, type ServerContext } from './scenarios.js';
import { type ServerName, type ServerUnderTest, startMeshid, startOidcProvider } from './servers.js';

const REPO = new URL('../../../', import.meta.url);
const options = parseOptions(process.argv.slice(2));
const machine = oidcMachineInfo(REPO);
const started = performance.now();
const errors: string[] = [];

const nodeFlags: string[] = [];
if (options.cpuProf) {
  const dir = new URL(`bench/results/profiles-${machine.date.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}/`, REPO).pathname;
  mkdirSync(dir, { recursive: true });
  nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  progress(`CPU profiles of both servers go to ${dir}`);
}

const servers: ServerUnderTest[] = [];
const clients: BenchHttpClient[] = [];
const scenarios: ScenarioResult[] = [];
let memory: MemoryResult | undefined;
try {
  servers.push(await startMeshid(nodeFlags));
  servers.push(await startOidcProvider(nodeFlags));
  const contexts = new Map<ServerName, ServerContext>();
  for (const server of servers) {
    const http = new BenchHttpClient(options.concurrency);
    clients.push(http);
    contexts.set(server.name, await discover(server, http));
  }

  const unknown = options.only.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) in --only: ${unknown.join(', ')}`);
  for (const scenario of SCENARIOS.filter((s) => options.only.length === 0 || options.only.includes(s.name))) {
    const results = new Map<ServerName, LoadResult>();
    for (const server of servers) {
      progress(`${scenario.label} against ${server.name}: ${options.concurrency} workers, ${options.warmupSeconds}+${options.seconds} s`);
      const ctx = contexts.get(server.name)!;
      try {
        results.set(server.name, await runLoad(server, options, () => makeOperation(scenario.name, ctx)));
      } catch (error) {
        errors.push(`${scenario.label} against ${server.name} failed: ${(error as Error).message}`);
        progress(`${scenario.label} against ${server.name} failed: ${(error as Error).stack ?? String(error)}`);
      }
    }
    const meshid = results.get('meshid');
    const oidcProvider = results.get('oidc-provider');
    const ratio = meshid && oidcProvider && oidcProvider.ops > 0 ? meshid.opsPerSecond / oidcProvider.opsPerSecond : Number.NaN;
    scenarios.push({
      scenario: scenario.name,
      label: scenario.label,
      ...(meshid ? { meshid } : {}),
      ...(oidcProvider ? { oidcProvider } : {}),
      ratio,
      ...(scenario.targetRatio !== undefined ? { targetRatio: scenario.targetRatio } : {}),
      verdict: verdictOf(ratio, scenario.targetRatio),
    });
  }

  const [meshid, oidcProvider] = servers.map((server) => server.memory());
  memory = {
    peakRss: { meshid: meshid!.peakRss, 'oidc-provider': oidcProvider!.peakRss },
    finalRss: { meshid: meshid!.rss, 'oidc-provider': oidcProvider!.rss },
    verdict: meshid!.peakRss <= oidcProvider!.peakRss ? 'pass' : 'FAIL',
  };
} catch (error) {
  errors.push((error as Error).message);
  progress(`run failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  for (const client of clients) await client.close();
  for (const server of servers) await server.stop();
}

const report: OidcBenchReport = {
  benchmark: 'oidc',
  quick: options.quick,
  settings: { concurrency: options.concurrency, warmupSeconds: options.warmupSeconds, seconds: options.seconds, cpuProf: options.cpuProf },
  machine,
  durationSeconds: Math.round(((performance.now() - started) / 1000) * 10) / 10,
  scenarios,
  ...(memory ? { memory } : {}),
  errors,
};
const path = writeResults(REPO, report);
if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(`${formatTable(report)}\n`);
progress(`results written to ${path}`);
// A crashed scenario or failed operations fail the run; a missed target does not (the table says so).
const failedOps = scenarios.some((s) => (s.meshid?.errors ?? 0) > 0 || (s.oidcProvider?.errors ?? 0) > 0);
if (errors.length > 0 || failedOps) process.exitCode = 1;
