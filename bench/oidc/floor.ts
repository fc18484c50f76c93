/**
 * The floor run: `npm run bench:floor`, or after a build `node dist/bench/oidc/floor.js [options]`
 * (the options of run.js). Runs the scenarios of the OIDC benchmark against the floor server
 * (bench/oidc/floor-server.ts: only the work meshid's design cannot avoid, on a bare node:http
 * server) and against oidc-provider, and prints what the floor reaches against the issue's
 * targets. A target the floor misses cannot be met by any server built on those choices on this
 * machine. See bench/README.md.
 */
import { progress } from '../event-store/stats.js';
import { BenchHttpClient } from './http-client.js';
import { type LoadResult, runLoad } from './load.js';
import { parseOptions } from './options.js';
import { oidcMachineInfo } from './report.js';
import { discover, makeOperation, SCENARIOS } from './scenarios.js';
import { type ServerUnderTest, startFloor, startOidcProvider } from './servers.js';

const options = parseOptions(process.argv.slice(2));
const machine = oidcMachineInfo(new URL('../../../', import.meta.url));
const nodeFlags = options.cpuProf ? ['--cpu-prof'] : [];
const rows: string[][] = [];
const servers: ServerUnderTest[] = [];
const clients: BenchHttpClient[] = [];
let failed = false;
try {
  servers.push(await startFloor(nodeFlags), await startOidcProvider(nodeFlags));
  const contexts = [];
  for (const server of servers) {
    const http = new BenchHttpClient(options.concurrency);
    clients.push(http);
    contexts.push(await discover(server, http));
  }
  for (const scenario of SCENARIOS.filter((s) => options.only.length === 0 || options.only.includes(s.name))) {
    const results: LoadResult[] = [];
    for (const ctx of contexts) {
      progress(`${scenario.label} against ${ctx.server.name}: ${options.concurrency} workers, ${options.warmupSeconds}+${options.seconds} s`);
      results.push(await runLoad(ctx.server, options, () => makeOperation(scenario.name, ctx)));
    }
    const [floor, provider] = results as [LoadResult, LoadResult];
    failed ||= floor.errors > 0 || provider.errors > 0;
    const ratio = floor.opsPerSecond / provider.opsPerSecond;
    const target = scenario.targetRatio;
    rows.push([
      scenario.label,
      `${Math.round(floor.opsPerSecond).toLocaleString('en-US')}/s`,
      `${Math.round(provider.opsPerSecond).toLocaleString('en-US')}/s`,
      `${ratio.toFixed(2)}x`,
      target === undefined ? '-' : `>= ${target}x`,
      target === undefined ? '-' : ratio >= target ? 'reachable' : 'out of reach',
      `${Math.round(floor.serverCpuUsPerOp)} / ${Math.round(provider.serverCpuUsPerOp)} us`,
      `${floor.errors + provider.errors}`,
    ]);
  }
} finally {
  for (const client of clients) await client.close();
  for (const server of servers) await server.stop();
}

const header = ['scenario', 'floor', 'oidc-provider', 'ratio', 'target', 'for meshid', 'server CPU/op', 'errors'];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ');
process.stdout.write(
  [
    `OIDC floor: the irreducible work of each scenario vs oidc-provider`,
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.node}; ${options.concurrency} workers, ${options.warmupSeconds}+${options.seconds} s`,
    '',
    line(header),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...rows.map(line),
    '',
  ].join('\n'),
);
if (failed) process.exitCode = 1;
