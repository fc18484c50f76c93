/**
 * Command line of the load-at-scale benchmark (issue H §7). The full run fills a store with
 * 1,000,000 events; `--quick` with 50,000, a smoke run whose figures are not representative.
 */
export interface ScaleBenchOptions {
  quick: boolean;
  json: boolean;
  /** Events generated into the large store before anything is measured. */
  events: number;
  /** Events appended while the projections are stopped, one startup measurement each. */
  behind: number[];
  /** Login load: workers, and seconds per round (after 1 s of warm-up). */
  concurrency: number;
  seconds: number;
  /** Rounds of login load; each round runs empty store, large store, oidc-provider in turn. */
  rounds: number;
}

const USAGE = `usage: node dist/bench/scale/run.js [--quick] [--events N] [--seconds S] [--concurrency N] [--json]
  --quick          smoke run on a 50,000-event store (figures not representative)
  --events N       events in the large store (default 1,000,000; at least 10,000)
  --seconds S      timed seconds of login load per server and round (default 5)
  --concurrency N  concurrent login workers (default 16)
  --json           print the results as JSON on stdout instead of the table`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function whole(name: string, value: string | undefined, minimum: number): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < minimum) {
    fail(`${name}: expected a whole number of at least ${minimum}, got ${JSON.stringify(value ?? '')}`);
  }
  return Number(value);
}

export function parseOptions(argv: readonly string[]): ScaleBenchOptions {
  let quick = false;
  let json = false;
  let events: number | undefined;
  let seconds: number | undefined;
  let concurrency = 16;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') json = true;
    else if (arg === '--events') events = whole(arg, argv[++i], 10_000);
    else if (arg === '--seconds') seconds = whole(arg, argv[++i], 1);
    else if (arg === '--concurrency') concurrency = whole(arg, argv[++i], 1);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument "${arg}"`);
  }
  const size = events ?? (quick ? 50_000 : 1_000_000);
  return {
    quick,
    json,
    events: size,
    // Two distances behind the log, a factor of four apart, so growth with them shows.
    behind: [Math.round(size / 20), Math.round(size / 5)],
    concurrency,
    seconds: seconds ?? (quick ? 1 : 5),
    rounds: quick ? 1 : 2,
  };
}
