/**
 * Command line of the event-store benchmark and the sizes of each measurement.
 *
 * The full run is sized to finish in well under two minutes on a 2-core machine; `--quick` is a
 * smoke run (a few seconds) whose figures are not representative.
 */
export interface BenchOptions {
  quick: boolean;
  json: boolean;
  sizes: BenchSizes;
}

/** A timed loop runs until both `minSeconds` and `minOps` are reached, or `maxOps`. */
export interface LoopSize {
  warmupOps: number;
  minOps: number;
  minSeconds: number;
  maxOps: number;
}

export interface BenchSizes {
  singleAppends: LoopSize;
  /** `full` durability fsyncs every commit: far fewer operations fit in the same time. */
  singleAppendsFull: LoopSize;
  batchAppends: LoopSize;
  /** Events in the log before the timed `readAll`. */
  replayEvents: number;
  /** Timed full passes over the log; the median is reported. */
  replayPasses: number;
  /** Appends per second of the steady load under which projection lag is measured. */
  lagRate: number;
  lagSeconds: number;
  lagWarmupSeconds: number;
}

const FULL: BenchSizes = {
  singleAppends: { warmupOps: 5_000, minOps: 20_000, minSeconds: 5, maxOps: 400_000 },
  singleAppendsFull: { warmupOps: 200, minOps: 500, minSeconds: 3, maxOps: 100_000 },
  batchAppends: { warmupOps: 500, minOps: 2_000, minSeconds: 4, maxOps: 40_000 },
  replayEvents: 200_000,
  replayPasses: 3,
  lagRate: 1_000,
  lagSeconds: 8,
  lagWarmupSeconds: 1,
};

const QUICK: BenchSizes = {
  singleAppends: { warmupOps: 200, minOps: 1_000, minSeconds: 0.3, maxOps: 20_000 },
  singleAppendsFull: { warmupOps: 20, minOps: 50, minSeconds: 0.3, maxOps: 5_000 },
  batchAppends: { warmupOps: 50, minOps: 200, minSeconds: 0.3, maxOps: 5_000 },
  replayEvents: 10_000,
  replayPasses: 1,
  lagRate: 1_000,
  lagSeconds: 1,
  lagWarmupSeconds: 0.2,
};

const USAGE = `usage: node dist/bench/event-store/run.js [--quick] [--json]
  --quick  short smoke run with small counts (figures not representative)
  --json   print the results as JSON on stdout instead of the table`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let json = false;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown argument "${arg}"\n${USAGE}`);
      process.exit(2);
    }
  }
  return { quick, json, sizes: quick ? QUICK : FULL };
}
