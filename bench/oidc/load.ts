import { performance } from 'node:perf_hooks';
import { percentile, sleep } from '../event-store/stats.js';
import type { Operation } from './scenarios.js';
import type { ServerUnderTest } from './servers.js';

export interface LoadSize {
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
}

export interface LoadResult {
  /** Operations completed inside the timed window. */
  ops: number;
  errors: number;
  firstError?: string;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (user + system) per completed operation during the timed window, in microseconds. */
  serverCpuUsPerOp: number;
  /** Share of one core the server used during the timed window (100 = one core busy). */
  serverCpuPercent: number;
  /** Share of one core the load generator (this process) used during the timed window. */
  loadCpuPercent: number;
}

/**
 * Closed-loop load: `concurrency` workers, each running its operation, awaited, back to back, for
 * `warmupSeconds` unrecorded and then `seconds` recorded. An operation is counted (with its
 * latency) when it completes inside the timed window; no operation starts after the window. The
 * server's CPU time is read from /proc at both ends of the window, the load generator's from
 * process.cpuUsage().
 */
export async function runLoad(server: ServerUnderTest, size: LoadSize, makeWorker: () => Promise<Operation>): Promise<LoadResult> {
  const workers: Operation[] = [];
  for (let i = 0; i < size.concurrency; i++) workers.push(await makeWorker());

  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const begin = performance.now();
  const windowStart = begin + size.warmupSeconds * 1000;
  const windowEnd = windowStart + size.seconds * 1000;

  let serverCpuAtStart = 0;
  let loadCpuAtStart = process.cpuUsage();
  const startWindow = sleep(size.warmupSeconds * 1000).then(() => {
    serverCpuAtStart = server.cpuSeconds();
    loadCpuAtStart = process.cpuUsage();
  });

  const loop = async (operation: Operation) => {
    while (performance.now() < windowEnd) {
      const started = performance.now();
      try {
        const outcome = await operation();
        const ended = performance.now();
        if (outcome !== 'not counted' && ended >= windowStart && ended <= windowEnd) latencies.push(ended - started);
      } catch (error) {
        const ended = performance.now();
        if (ended >= windowStart && ended <= windowEnd) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }
  };
  await Promise.all([startWindow, ...workers.map(loop)]);
  const serverCpu = server.cpuSeconds() - serverCpuAtStart;
  const loadCpu = process.cpuUsage(loadCpuAtStart);
  const seconds = (Math.min(performance.now(), windowEnd) - windowStart) / 1000;

  const sorted = Float64Array.from(latencies).sort();
  const ops = sorted.length;
  return {
    ops,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    seconds,
    opsPerSecond: ops / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    serverCpuUsPerOp: ops > 0 ? (serverCpu * 1e6) / ops : Number.NaN,
    serverCpuPercent: (serverCpu / seconds) * 100,
    loadCpuPercent: ((loadCpu.user + loadCpu.system) / 1e6 / seconds) * 100,
  };
}
