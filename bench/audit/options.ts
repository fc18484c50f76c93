/**
 * Command line of the audit-log benchmark. The full run generates 1,000,000 events (the issue's
 * log size); `--quick` 50,000, a smoke run whose figures are not representative.
 */
export interface AuditBenchOptions {
  quick: boolean;
  json: boolean;
  /** Events the generator appends (the application adds a few of its own: keys, seals). */
  events: number;
  /** The prefix exported to compare memory with the whole log: 250,000 events, or a quarter of a smaller log. */
  prefixEvents: number;
  /** The prefix read untimed first (page cache, statements, JIT). */
  warmupEvents: number;
}

const FULL_EVENTS = 1_000_000;
const QUICK_EVENTS = 50_000;

const USAGE = `usage: node dist/bench/audit/run.js [--quick] [--events N] [--json]
  --quick     smoke run on a 50,000-event log (figures not representative)
  --events N  size of the generated log (default 1,000,000; at least 10,000)
  --json      print the results as JSON on stdout instead of the table
A CPU profile: node --cpu-prof --cpu-prof-dir=bench/results dist/bench/audit/run.js`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

export function parseOptions(argv: readonly string[]): AuditBenchOptions {
  let quick = false;
  let json = false;
  let events: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') json = true;
    else if (arg === '--events' || arg.startsWith('--events=')) {
      const value = arg === '--events' ? argv[++i] : arg.slice('--events='.length);
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < 10_000) fail(`--events: expected a whole number of at least 10000, got ${JSON.stringify(value ?? '')}`);
      events = Number(value);
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument "${arg}"`);
  }
  const size = events ?? (quick ? QUICK_EVENTS : FULL_EVENTS);
  return { quick, json, events: size, prefixEvents: Math.min(250_000, Math.floor(size / 4)), warmupEvents: Math.min(50_000, Math.floor(size / 10)) };
}
