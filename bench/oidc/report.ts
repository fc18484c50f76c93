import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type MachineInfo, machineInfo } from '../event-store/report.js';
import type { LoadResult } from './load.js';
import type { ScenarioName } from './scenarios.js';
import type { ComparedServer } from './servers.js';

export interface OidcMachineInfo extends MachineInfo {
  meshid: string;
  oidcProvider: string;
}

export interface ScenarioResult {
  scenario: ScenarioName;
  label: string;
  meshid?: LoadResult;
  oidcProvider?: LoadResult;
  /** meshid ops/s divided by oidc-provider ops/s. */
  ratio: number;
  targetRatio?: number;
  verdict: 'pass' | 'FAIL' | '-';
}

export interface MemoryResult {
  /** Bytes; VmHWM of the server process at the end of the run. */
  peakRss: Record<ComparedServer, number>;
  /** Bytes; VmRSS at the end of the run. */
  finalRss: Record<ComparedServer, number>;
  verdict: 'pass' | 'FAIL';
}

export interface OidcBenchReport {
  benchmark: 'oidc';
  quick: boolean;
  settings: { concurrency: number; warmupSeconds: number; seconds: number; cpuProf: boolean };
  machine: OidcMachineInfo;
  durationSeconds: number;
  scenarios: ScenarioResult[];
  memory?: MemoryResult;
  errors: string[];
}

export function oidcMachineInfo(repo: URL): OidcMachineInfo {
  const require = createRequire(import.meta.url);
  const meshid = (JSON.parse(readFileSync(new URL('package.json', repo), 'utf8')) as { version: string }).version;
  const oidcProvider = (require('oidc-provider/package.json') as { version: string }).version;
  return { ...machineInfo(), meshid, oidcProvider };
}

export function verdictOf(ratio: number, target: number | undefined): ScenarioResult['verdict'] {
  if (target === undefined) return '-';
  return Number.isFinite(ratio) && ratio >= target ? 'pass' : 'FAIL';
}

const rate = (r: LoadResult | undefined) => (r && Number.isFinite(r.opsPerSecond) && r.ops > 0 ? `${Math.round(r.opsPerSecond).toLocaleString('en-US')}/s` : 'n/a');
const ratioText = (ratio: number) => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'n/a');
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : 'n/a');
const mib = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : 'n/a');

function table(header: string[], rows: string[][], right: ReadonlySet<number>): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const align = (cells: string[]) =>
    cells.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ').trimEnd();
  return [align(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(align)];
}

/** The table printed at the end of a run, machine info first. */
export function formatTable(report: OidcBenchReport): string {
  const { machine, settings } = report;
  const lines = [
    `meshid OIDC benchmark: meshid ${machine.meshid} vs oidc-provider ${machine.oidcProvider}` +
      (report.quick ? ' (--quick: smoke run, figures not representative)' : ''),
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}`,
    `runtime: Node ${machine.node}, SQLite ${machine.sqlite} (better-sqlite3 ${machine.betterSqlite3})`,
    `storage: ${machine.tempDir} (meshid's data directory)`,
    `load:    ${settings.concurrency} concurrent workers, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per scenario and server` +
      (settings.cpuProf ? ', servers under --cpu-prof' : ''),
    `date:    ${machine.date} (run took ${report.durationSeconds} s)`,
    '',
  ];
  const rows = report.scenarios.map((s) => [
    s.label,
    rate(s.meshid),
    rate(s.oidcProvider),
    ratioText(s.ratio),
    s.targetRatio === undefined ? '-' : `>= ${s.targetRatio}x`,
    s.verdict,
  ]);
  if (report.memory) {
    const { peakRss, verdict } = report.memory;
    rows.push([
      'peak server RSS',
      mib(peakRss.meshid),
      mib(peakRss['oidc-provider']),
      ratioText(peakRss.meshid / peakRss['oidc-provider']),
      '<= 1.00x',
      verdict,
    ]);
  }
  lines.push(...table(['scenario', 'meshid', 'oidc-provider', 'ratio', 'target', 'result'], rows, new Set([1, 2, 3])));

  lines.push('', 'latency and CPU (server CPU per operation; CPU % of one core during the timed window):');
  const detail: string[][] = [];
  for (const s of report.scenarios) {
    for (const [server, r] of [['meshid', s.meshid], ['oidc-provider', s.oidcProvider]] as const) {
      if (!r) continue;
      detail.push([
        s.label,
        server,
        ms(r.p50Ms),
        ms(r.p99Ms),
        Number.isFinite(r.serverCpuUsPerOp) ? `${Math.round(r.serverCpuUsPerOp).toLocaleString('en-US')} us` : 'n/a',
        `${Math.round(r.serverCpuPercent)}%`,
        `${Math.round(r.loadCpuPercent)}%`,
        String(r.errors),
      ]);
    }
  }
  lines.push(
    ...table(['scenario', 'server', 'p50', 'p99', 'server CPU/op', 'server CPU', 'load CPU', 'errors'], detail, new Set([2, 3, 4, 5, 6, 7])),
  );
  if (report.memory) {
    const { peakRss, finalRss } = report.memory;
    lines.push(
      '',
      `memory: peak RSS (VmHWM) meshid ${mib(peakRss.meshid)}, oidc-provider ${mib(peakRss['oidc-provider'])}; ` +
        `at the end meshid ${mib(finalRss.meshid)}, oidc-provider ${mib(finalRss['oidc-provider'])}`,
    );
  }
  const failures = report.scenarios.flatMap((s) =>
    [s.meshid, s.oidcProvider].filter((r) => r?.firstError).map((r) => `  ${s.label}: ${r!.errors} errors, first: ${r!.firstError}`),
  );
  if (failures.length > 0) lines.push('', 'errors:', ...failures);
  for (const error of report.errors) lines.push(`  ${error}`);
  const missed = report.scenarios.filter((s) => s.verdict === 'FAIL').length + (report.memory?.verdict === 'FAIL' ? 1 : 0);
  lines.push('', missed === 0 ? 'all targets met' : `${missed} target(s) missed`);
  return lines.join('\n');
}

/** Writes `bench/results/oidc-<date>.json` (git-ignored) and returns its path. */
export function writeResults(repo: URL, report: OidcBenchReport): string {
  const dir = join(new URL('bench/results/', repo).pathname);
  mkdirSync(dir, { recursive: true });
  const stamp = report.machine.date.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const path = join(dir, `oidc-${stamp}${report.quick ? '-quick' : ''}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
