import { mkdirSync, writeFileSync } from 'node:fs';
import { type MachineInfo, machineLines } from '../event-store/report.js';
import type { LoadResult } from '../oidc/load.js';
import type { Growth } from './grow-log.js';
import type { Startup } from './startup.js';

/** Largest large-store / empty-store login latency ratio the issue accepts (within 20%). */
export const LATENCY_TARGET = 1.2;

export type LoginTarget = 'empty store' | 'large store' | 'oidc-provider';

export interface ScaleBenchReport {
  benchmark: 'scale';
  quick: boolean;
  machine: MachineInfo;
  load: { start: number[]; end: number[] };
  durationSeconds: number;
  settings: { events: number; concurrency: number; seconds: number; rounds: number };
  growth: Growth | null;
  startup: { label: string; behind: number; startup: Startup }[];
  /** Every round's result per target; the table shows their mean. */
  login: Record<LoginTarget, LoadResult[]>;
  errors: string[];
}

const mean = (values: number[]) => (values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length);
const fixed = (value: number, digits: number, unit: string) => (Number.isFinite(value) ? `${value.toFixed(digits)}${unit}` : 'n/a');
const count = (value: number) => value.toLocaleString('en-US');

export function meanOf(results: LoadResult[], key: 'opsPerSecond' | 'p50Ms' | 'p99Ms' | 'serverCpuUsPerOp'): number {
  return mean(results.map((result) => result[key]));
}

/** Large-store p50 latency over empty-store p50 latency, and whether it is within the target. */
export function latencyVerdict(report: ScaleBenchReport): { ratio: number; verdict: 'pass' | 'FAIL' } {
  const ratio = meanOf(report.login['large store'], 'p50Ms') / meanOf(report.login['empty store'], 'p50Ms');
  return { ratio, verdict: Number.isFinite(ratio) && ratio <= LATENCY_TARGET ? 'pass' : 'FAIL' };
}

function align(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row, r) => (r === 1 ? widths.map((w) => '-'.repeat(w)).join('-|-') : row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')));
}

export function formatTable(report: ScaleBenchReport): string {
  const lines = [...machineLines(report.machine), `load average at start ${report.load.start.join(' ')}, at end ${report.load.end.join(' ')}`, ''];
  if (report.growth !== null) {
    const { events, seconds, head } = report.growth;
    lines.push(`large store: ${count(events)} events generated through EVENT_STORE in ${seconds.toFixed(1)} s with the read models following (head ${head})`, '');
  }
  lines.push(
    ...align([
      ['startup', 'events behind the checkpoints', 'listening', 'ready (read models caught up)'],
      ['', '', '', ''],
      ...report.startup.map(({ label, behind, startup }) => [label, count(behind), fixed(startup.listeningMs, 0, ' ms'), fixed(startup.readyMs, 0, ' ms')]),
    ]),
    '',
  );
  const rounds = report.settings.rounds;
  lines.push(
    ...align([
      [`full login (${report.settings.concurrency} workers, ${rounds} x ${report.settings.seconds} s)`, 'logins/s', 'p50', 'p99', 'server CPU/login'],
      ['', '', '', '', ''],
      ...(Object.entries(report.login) as [LoginTarget, LoadResult[]][]).map(([target, results]) => [
        target,
        fixed(meanOf(results, 'opsPerSecond'), 0, '/s'),
        fixed(meanOf(results, 'p50Ms'), 2, ' ms'),
        fixed(meanOf(results, 'p99Ms'), 2, ' ms'),
        fixed(meanOf(results, 'serverCpuUsPerOp'), 0, ' µs'),
      ]),
    ]),
    '',
  );
  const { ratio, verdict } = latencyVerdict(report);
  const throughput = meanOf(report.login['large store'], 'opsPerSecond') / meanOf(report.login['oidc-provider'], 'opsPerSecond');
  lines.push(`login p50 latency, large store / empty store: ${fixed(ratio, 2, 'x')} (target <= ${LATENCY_TARGET}x): ${verdict}`);
  lines.push(`login throughput, meshid on the large store / oidc-provider: ${fixed(throughput, 2, 'x')}`);
  for (const error of report.errors) lines.push(`error: ${error}`);
  return lines.join('\n');
}

export function writeResults(report: ScaleBenchReport): string {
  const dir = new URL('../../../bench/results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const stamp = report.machine.date.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const path = `${dir}scale-${stamp}${report.quick ? '-quick' : ''}.json`;
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
