import { existsSync, mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type Measurement, verdict } from './measurement.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  sqlite: string;
  betterSqlite3: string;
  /** Where the SQLite files were written (os.tmpdir(), so TMPDIR), and its file system. */
  tempDir: string;
  date: string;
}

export interface BenchReport {
  benchmark: 'event-store';
  quick: boolean;
  machine: MachineInfo;
  durationSeconds: number;
  results: (Measurement & { verdict: string })[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const db = new Database(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  const require = createRequire(import.meta.url);
  const betterSqlite3 = (require('better-sqlite3/package.json') as { version: string }).version;
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    sqlite,
    betterSqlite3,
    tempDir: `${os.tmpdir()} (${fileSystemType(os.tmpdir())})`,
    date: new Date().toISOString(),
  };
}

/** Magic numbers of statfs(2) for the file systems a build machine's temp dir is likely on. */
const FILE_SYSTEMS: Record<number, string> = {
  0xef53: 'ext4',
  0x01021994: 'tmpfs',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs',
  0x6969: 'nfs',
};

function fileSystemType(path: string): string {
  try {
    const type = statfsSync(path).type;
    return FILE_SYSTEMS[type] ?? `fs type 0x${type.toString(16)}`;
  } catch {
    return 'unknown file system';
  }
}

export function buildReport(quick: boolean, machine: MachineInfo, seconds: number, results: Measurement[]): BenchReport {
  return {
    benchmark: 'event-store',
    quick,
    machine,
    durationSeconds: Math.round(seconds * 10) / 10,
    results: results.map((m) => ({ ...m, verdict: verdict(m) })),
  };
}

function formatValue(m: Measurement): string {
  if (!Number.isFinite(m.value)) return 'n/a';
  if (m.unit === 'ms') return `${m.value.toFixed(m.value < 10 ? 2 : 1)} ms`;
  let text = `${Math.round(m.value).toLocaleString('en-US')}${m.unit}`;
  if (typeof m.details?.['eventsPerSecond'] === 'number') {
    text += ` (${m.details['eventsPerSecond'].toLocaleString('en-US')} ev/s)`;
  }
  return text;
}

function formatTarget(m: Measurement): string {
  if (!m.target) return '-';
  const value = m.unit === 'ms' ? `${m.target.value} ms` : `${m.target.value.toLocaleString('en-US')}${m.unit}`;
  return `${m.target.op === '>=' ? '>=' : '<'} ${value}`;
}

const ADAPTER_LABEL: Record<string, string> = {
  sqlite: 'sqlite (normal)',
  'sqlite-full': 'sqlite (full)',
  memory: 'memory',
};

/** The table printed at the end of a run, machine info first. */
/** The machine a run came from, as every benchmark's header prints it. */
export function machineLines(machine: MachineInfo): string[] {
  return [
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}`,
    `runtime: Node ${machine.node}, SQLite ${machine.sqlite} (better-sqlite3 ${machine.betterSqlite3})`,
    `storage: ${machine.tempDir}${machine.tempDir.includes('tmpfs') ? ' - RAM, SQLite figures overstate a disk' : ''}`,
  ];
}

export function formatTable(report: BenchReport): string {
  const { machine } = report;
  const header = ['metric', 'adapter', 'value', 'target', 'result'];
  const rows = report.results.map((m) => [m.metric, ADAPTER_LABEL[m.adapter] ?? m.adapter, formatValue(m), formatTarget(m), m.verdict]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const align = (cells: string[]) =>
    cells.map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ').trimEnd();
  const lines = [
    `meshid event-store benchmark${report.quick ? ' (--quick: smoke run, figures not representative)' : ''}`,
    ...machineLines(machine),
    `date:    ${machine.date} (run took ${report.durationSeconds} s)`,
    '',
    align(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(align),
  ];
  const notes = report.results.filter((m) => m.note !== undefined);
  if (notes.length > 0) {
    lines.push('', 'notes:');
    for (const m of notes) lines.push(`  ${m.metric}, ${ADAPTER_LABEL[m.adapter] ?? m.adapter}: ${m.note}`);
  }
  const failed = report.results.filter((m) => m.verdict === 'FAIL').length;
  lines.push('', failed === 0 ? 'all targets met' : `${failed} target(s) missed`);
  return lines.join('\n');
}

/** The repository root: the nearest directory above this module with a package.json. */
function repositoryRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** Writes `bench/results/event-store-<date>.json` (git-ignored) and returns its path. */
export function writeResults(report: BenchReport): string {
  const dir = join(repositoryRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // 2025-01-31T14-05-09Z: sortable, one file per run, safe in every file system.
  const stamp = report.machine.date.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const path = join(dir, `event-store-${stamp}${report.quick ? '-quick' : ''}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
