import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { type EventStore, type NewEvent, type RecordedEvent, formatPosition } from '#event-store';
import {
  defaultMigrationsDir,
  openReadModelDatabase,
  type Projection,
  ProjectionRunner,
  readMigrationFiles,
} from '#projections';
import { type AdapterName, authCodeIssued, GrantStreams, grantEvent, openStore, randomHex128 } from './fixtures.js';
import type { Measurement } from './measurement.js';
import { percentile, progress, round } from './stats.js';

const TABLE = 'bench_stream_heads';
/** How long one append may wait for the projection before it counts as lost (it never should). */
const WAIT_TIMEOUT_MS = 10_000;

/**
 * The trivial read model: one row per stream, upserted for every event (so one write per event).
 * `apply` also notes when it ran, keyed by event id: `appliedAt` is a lower bound of the commit
 * time, the runner's `waitFor` (below) the commit as a caller observes it.
 */
class StreamHeadsProjection implements Projection {
  readonly name = 'bench_stream_heads';
  readonly tables = [TABLE];
  readonly appliedAt = new Map<string, number>();
  private upsert: Database.Statement<[string, bigint, string, string]> | null = null;

  apply(event: RecordedEvent, db: Database.Database): void {
    this.upsert ??= db.prepare(
      `INSERT INTO ${TABLE} (stream, revision, position, type, events) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, position = excluded.position,
         type = excluded.type, events = events + 1`,
    );
    this.upsert.run(event.stream, event.revision, formatPosition(event.position), event.type);
    this.appliedAt.set(event.id, performance.now());
  }
}

/**
 * A migrations directory for the bench's read-model database: the repository's migrations (the
 * runner's `projection_checkpoints` table among them), then one that creates the bench's table.
 */
function benchMigrationsDir(parent: string): string {
  const dir = join(parent, 'migrations');
  mkdirSync(dir);
  const files = readMigrationFiles(defaultMigrationsDir());
  for (const file of files) copyFileSync(file.path, join(dir, file.name));
  const next = String(files.length + 1).padStart(4, '0');
  writeFileSync(
    join(dir, `${next}_bench_stream_heads.sql`),
    `CREATE TABLE ${TABLE} (
  stream   TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  position TEXT NOT NULL,
  type     TEXT NOT NULL,
  events   INTEGER NOT NULL
);
`,
  );
  return dir;
}

interface Sample {
  id: string;
  /** Just before `append` was called. */
  start: number;
  /** When `append` resolved. */
  appended: number;
  /** When `waitFor(position)` resolved: the runner had committed the event. */
  committed: number;
  /** How late the timer started this append compared with the schedule. */
  slip: number;
  measured: boolean;
}

/**
 * Projection lag under a steady append load: single-event appends at `rate` per second, paced by
 * timers (each tick appends what the schedule says is due, so about one per millisecond, never a
 * burst), for `warmupSeconds` unrecorded and `seconds` recorded. A `ProjectionRunner` on the same
 * store feeds a SQLite read-model database (a file of its own) with the trivial projection above.
 *
 * Lag of an event = from just before `append` was called to when the runner's
 * `waitFor(position)` for it resolved (the read-model transaction holding it committed and the
 * checkpoint moved): what a handler relying on read-your-writes would wait.
 */
export async function measureProjectionLag(
  adapter: AdapterName,
  rate: number,
  seconds: number,
  warmupSeconds: number,
): Promise<Measurement[]> {
  progress(`projection lag at ${rate} appends/s for ${warmupSeconds}+${seconds} s, ${adapter}`);
  const subject = openStore(adapter);
  let readModels;
  try {
    readModels = openReadModelDatabase(join(subject.dir, 'read-models.db'), {
      migrationsDir: benchMigrationsDir(subject.dir),
    });
  } catch (error) {
    await subject.dispose();
    throw error;
  }
  const projection = new StreamHeadsProjection();
  const runner = new ProjectionRunner(subject.store, readModels.db, [projection]);
  try {
    await runner.start();
    const samples = await steadyLoad(subject.store, runner, rate, seconds, warmupSeconds);

    const rows = readModels.db.prepare(`SELECT sum(events) AS n FROM ${TABLE}`).get() as { n: number | null };
    if (rows.n !== samples.length) throw new Error(`read model holds ${rows.n} events, ${samples.length} were appended`);

    const measured = samples.filter((s) => s.measured);
    const lag = sorted(measured.map((s) => s.committed - s.start));
    const applied = sorted(measured.map((s) => projection.appliedAt.get(s.id)! - s.start));
    const append = sorted(measured.map((s) => s.appended - s.start));
    const commitAfterApply = sorted(measured.map((s) => s.committed - projection.appliedAt.get(s.id)!));
    const slip = sorted(measured.map((s) => s.slip));
    const span = (measured[measured.length - 1]!.start - measured[0]!.start) / 1000;
    const details = {
      events: measured.length,
      achievedRate: Math.round((measured.length - 1) / span),
      appliedP50Ms: round(percentile(applied, 50), 3),
      appliedP99Ms: round(percentile(applied, 99), 3),
      appendP99Ms: round(percentile(append, 99), 3),
      commitAfterApplyP99Ms: round(percentile(commitAfterApply, 99), 3),
      scheduleSlipP99Ms: round(percentile(slip, 99), 3),
      scheduleSlipMaxMs: round(slip[slip.length - 1]!, 3),
    };
    const note =
      `${measured.length.toLocaleString('en-US')} events at ${details.achievedRate}/s; apply done p50 ` +
      `${details.appliedP50Ms} / p99 ${details.appliedP99Ms} ms after the append call; append p99 ${details.appendP99Ms} ms; ` +
      `timer slip p99 ${details.scheduleSlipP99Ms} ms`;
    const figure = (key: string, metric: string, value: number, target?: number): Measurement => ({
      key,
      metric,
      adapter,
      value,
      unit: 'ms',
      ...(target !== undefined && adapter === 'sqlite' ? { target: { op: '<', value: target } as const } : {}),
      details,
    });
    return [
      { ...figure('projection_lag_p50_ms', `projection lag p50 @ ${rate}/s`, percentile(lag, 50)), note },
      figure('projection_lag_p99_ms', `projection lag p99 @ ${rate}/s`, percentile(lag, 99), 20),
      figure('projection_lag_max_ms', `projection lag max @ ${rate}/s`, lag[lag.length - 1]!),
    ];
  } finally {
    await runner.stop();
    readModels.close();
    await subject.dispose();
  }
}

/**
 * Appends on a fixed schedule (event k is due at start + k/rate) and resolves when every
 * appended event has been committed by the projection.
 */
function steadyLoad(
  store: EventStore,
  runner: ProjectionRunner,
  rate: number,
  seconds: number,
  warmupSeconds: number,
): Promise<Sample[]> {
  const total = Math.round(rate * (warmupSeconds + seconds));
  const warmup = Math.round(rate * warmupSeconds);
  const interval = 1000 / rate;
  const grants = new GrantStreams(1_000);
  const samples: Sample[] = [];
  const committed: Promise<void>[] = [];

  const appendOne = (k: number, due: number): void => {
    // Three in four are authorization codes (`no_stream`), one a grant event at its revision.
    let stream: string;
    let event: NewEvent;
    let expected: bigint | 'no_stream';
    let grant: ReturnType<GrantStreams['take']> | undefined;
    if (k % 4 !== 3) {
      const code = randomHex128();
      stream = `authcode-${code}`;
      event = authCodeIssued(k, code);
      expected = 'no_stream';
    } else {
      grant = grants.take();
      stream = grant.stream;
      event = grantEvent(grant.grantId, k);
      expected = grant.expected;
    }
    const id = crypto.randomUUID();
    event.id = id;
    const start = performance.now();
    const sample: Sample = { id, start, appended: 0, committed: 0, slip: start - due, measured: k >= warmup };
    samples.push(sample);
    committed.push(
      store.append(stream, [event], expected).then(async (result) => {
        sample.appended = performance.now();
        if (grant) grants.advance(grant.index, result.nextExpectedRevision);
        await runner.waitFor(result.position, WAIT_TIMEOUT_MS);
        sample.committed = performance.now();
      }),
    );
  };

  return new Promise<Sample[]>((resolve, reject) => {
    const origin = performance.now();
    let k = 0;
    const tick = () => {
      try {
        const now = performance.now();
        // Everything due by now (one per tick at 1,000/s; two if a timer fired late).
        while (k < total && origin + k * interval <= now) appendOne(k, origin + k * interval), k++;
        if (k < total) {
          setTimeout(tick, Math.max(0, origin + k * interval - performance.now()));
        } else {
          Promise.all(committed).then(() => resolve(samples), reject);
        }
      } catch (error) {
        reject(error);
      }
    };
    tick();
  });
}

function sorted(values: number[]): Float64Array {
  return Float64Array.from(values).sort();
}
