import { performance } from 'node:perf_hooks';
import type { LoopSize } from './options.js';

export interface LoopResult {
  ops: number;
  seconds: number;
  opsPerSecond: number;
  /** Rate over the first and the last second of the timed run: shows a slowdown as the log grows. */
  firstSecondPerSecond: number;
  lastSecondPerSecond: number;
}

const MARK_EVERY = 256;

/**
 * Runs `op` `warmupOps` times untimed, then times it until both `minOps` and `minSeconds` are
 * reached (or `maxOps`). Operations run one after the other, each awaited, as a request handler
 * would append.
 */
export async function timedLoop(size: LoopSize, op: (i: number) => Promise<unknown>): Promise<LoopResult> {
  let i = 0;
  for (; i < size.warmupOps; i++) await op(i);
  maybeGc();
  const minMs = size.minSeconds * 1000;
  /** Elapsed ms after every MARK_EVERY operations. */
  const marks: number[] = [0];
  const start = performance.now();
  let ops = 0;
  let elapsed = 0;
  while (ops < size.maxOps) {
    await op(i++);
    ops++;
    elapsed = performance.now() - start;
    if (ops % MARK_EVERY === 0) marks.push(elapsed);
    if (ops >= size.minOps && elapsed >= minMs) break;
  }
  const seconds = elapsed / 1000;
  return {
    ops,
    seconds,
    opsPerSecond: ops / seconds,
    firstSecondPerSecond: windowRate(marks, 0, Math.min(1000, elapsed)),
    lastSecondPerSecond: windowRate(marks, Math.max(0, marks[marks.length - 1]! - 1000), marks[marks.length - 1]!),
  };
}

/** Operations per second between the marks nearest to `from` and `to` (ms). */
function windowRate(marks: readonly number[], from: number, to: number): number {
  const a = marks.findIndex((t) => t >= from);
  let b = marks.length - 1;
  while (b > a && marks[b]! > to) b--;
  if (a < 0 || b <= a) return Number.NaN;
  return ((b - a) * MARK_EVERY * 1000) / (marks[b]! - marks[a]!);
}

/** Nearest-rank percentile of `sorted` (ascending), `p` in [0, 100]. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

/** Collects garbage between phases when node runs with `--expose-gc`; otherwise does nothing. */
export function maybeGc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Progress goes to stderr so that stdout carries only the table (or the JSON). */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export const round = (value: number, digits: number) => Number(value.toFixed(digits));
