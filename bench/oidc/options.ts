/**
 * Command line of the OIDC benchmark. The full run takes about a minute on a 2-core machine
 * (5 scenarios x 2 servers x (1 s warm-up + 5 s)); `--quick` is a smoke run whose figures are not
 * representative.
 */
export interface OidcBenchOptions {
  quick: boolean;
  json: boolean;
  /** Requests in flight at once: that many workers, each awaiting its operation before the next. */
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
  /** Start both servers with `--cpu-prof`; the profiles go to bench/results/profiles-<date>/. */
  cpuProf: boolean;
  /** Run only these scenarios (`--only login,refresh`); all when empty. */
  only: string[];
}

const USAGE = `usage: node dist/bench/oidc/run.js [--quick] [--json] [--concurrency N] [--seconds S] [--cpu-prof] [--only a,b]
  --quick          short smoke run (figures not representative)
  --json           print the results as JSON on stdout instead of the table
  --concurrency N  concurrent workers per scenario (default 16)
  --seconds S      timed seconds per scenario and server (default 5, after 1 s of warm-up)
  --cpu-prof       run both servers under --cpu-prof (slower); profiles in bench/results/
  --only a,b       only these scenarios: discovery, jwks, client_credentials, login, refresh`;

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n <= 0) {
    console.error(`${name} needs a positive number\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

export function parseOptions(argv: readonly string[]): OidcBenchOptions {
  const options: OidcBenchOptions = { quick: false, json: false, concurrency: 16, warmupSeconds: 1, seconds: 5, cpuProf: false, only: [] };
  let seconds: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else if (arg === '--only') options.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--concurrency') options.concurrency = Math.round(positive(arg, argv[++i]));
    else if (arg === '--seconds') seconds = positive(arg, argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown argument "${arg}"\n${USAGE}`);
      process.exit(2);
    }
  }
  if (options.quick) {
    options.warmupSeconds = 0.3;
    options.seconds = 1;
  }
  if (seconds !== undefined) options.seconds = seconds;
  return options;
}
