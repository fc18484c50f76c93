import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Measurement, verdict } from '../event-store/measurement.js';
import { type MachineInfo, machineLines } from '../event-store/report.js';
import type { MemorySample } from './memory-probe.js';

/** A row of the table: a Measurement (adapter is always `sqlite`), with its own text when a number says too little. */
export type AuditMeasurement = Measurement & { display?: string };

export interface AuditReport {
  benchmark: 'audit';
  quick: boolean;
  /** There is none: oidc-provider keeps no audit log to export, replay or verify. */
  comparison: string;
  machine: MachineInfo;
  /** 1, 5 and 15 minute load averages at the start and the end: the machine is shared. */
  load: { start: number[]; end: number[] };
  durationSeconds: number;
  generation: Record<string, number>;
  memory: Record<string, MemorySample[]>;
  results: (AuditMeasurement & { verdict: string })[];
}

export const NO_COMPARISON = 'oidc-provider has no audit log, so there is no side-by-side ratio: meshid against its targets only';

export const loadAverage = (): number[] => os.loadavg().map((value) => Math.round(value * 100) / 100);

export function buildReport(fields: Omit<AuditReport, 'benchmark' | 'comparison' | 'results'>, results: AuditMeasurement[]): AuditReport {
  return { benchmark: 'audit', comparison: NO_COMPARISON, ...fields, results: results.map((m) => ({ ...m, verdict: verdict(m) })) };
}

function formatValue(m: AuditMeasurement): string {
  if (!Number.isFinite(m.value)) return 'n/a';
  if (m.display !== undefined) return m.display;
  if (m.unit === '%') return `${m.value.toFixed(1)}%`;
  return `${Math.round(m.value).toLocaleString('en-US')}${m.unit}`;
}

function formatTarget(m: AuditMeasurement): string {
  if (!m.target) return '-';
  return `${m.target.op} ${m.target.value.toLocaleString('en-US')}${m.unit}`;
}

/** The table printed at the end of a run, machine and load first. */
export function formatTable(report: AuditReport): string {
  const { machine, load } = report;
  const header = ['metric', 'value', 'target', 'result'];
  const rows = report.results.map((m) => [m.metric, formatValue(m), formatTarget(m), m.verdict]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const align = (cells: string[]) => cells.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ').trimEnd();
  const lines = [
    `meshid audit-log benchmark${report.quick ? ' (--quick: smoke run, figures not representative)' : ''}`,
    report.comparison,
    ...machineLines(machine),
    `load:    ${load.start.join(' ')} at the start, ${load.end.join(' ')} at the end (1/5/15 min; shared machine)`,
    `date:    ${machine.date} (run took ${report.durationSeconds} s)`,
    '',
    align(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(align),
  ];
  const notes = report.results.filter((m) => m.note !== undefined);
  if (notes.length > 0) lines.push('', 'notes:', ...notes.map((m) => `  ${m.metric}: ${m.note}`));
  const failed = report.results.filter((m) => m.verdict === 'FAIL').length;
  lines.push('', failed === 0 ? 'all targets met' : `${failed} target(s) missed`);
  return lines.join('\n');
}

/** Writes `bench/results/audit-<date>.json` (git-ignored) and returns its path. */
export function writeResults(report: AuditReport): string {
  // This module runs as dist/bench/audit/report.js: the repository root is three levels up.
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = report.machine.date.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const path = join(dir, `audit-${stamp}${report.quick ? '-quick' : ''}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
