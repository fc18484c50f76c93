import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type EventStore, EventStoreUnavailableError } from '#event-store';
import type { ReadModelDatabase } from '#projections';
import { describeFault, type StorageFault, type StorageFaultKind, storageFaultOf } from './storage-fault.js';
import { RAW_EVENT_STORE, READ_MODEL_DATABASE } from './storage.tokens.js';

/** The fault meshid is in, and since when. */
export interface CurrentStorageFault extends StorageFault {
  since: Date;
  /** An operator's sentence: what is wrong, then the underlying error. */
  reason: string;
}

/** Probes closer together than this share one result (readiness may be polled by many). */
const MIN_PROBE_GAP_MS = 500;
/** While healthy, a fault nobody has met yet (no traffic, no readiness poll) is found within this. */
const HEALTHY_PROBE_MS = 10_000;
const FAULTED_FIRST_PROBE_MS = 250;
const FAULTED_MAX_PROBE_MS = 5000;
const STORE_PROBE_TIMEOUT_MS = 2000;

/**
 * Whether meshid can use its storage now, as a state with two transitions, each logged once:
 * a fault starts (the first error classified as a storage fault, from a probe, a request or a
 * projection) and a fault clears (a probe succeeds again). The probe writes the read-model
 * database (the embedded store's own file under SQLite) and reads the log's head; while faulted it
 * is repeated with backoff, so that recovery needs no traffic. `onRecovered` listeners (projection
 * restarts) run when it clears.
 *
 * The write probe sets `PRAGMA user_version` of the read-model database, which nothing else uses:
 * a real committed write (through the WAL) that adds no table and no row to anything compared or
 * replayed.
 */
@Injectable()
export class StorageHealth implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Storage');
  private fault: CurrentStorageFault | null = null;
  /** The kinds of fault logged since the current fault started. */
  private readonly episodeKinds = new Set<StorageFaultKind>();
  private lastProbe = 0;
  private probing: Promise<CurrentStorageFault | null> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private faultedDelayMs = FAULTED_FIRST_PROBE_MS;
  private probeCount = 0;
  private readonly recoveredListeners: Array<() => void> = [];
  private stopped = false;

  constructor(
    @Inject(RAW_EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(HEALTHY_PROBE_MS);
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  /** No more probes and no more fault logs (the store is about to close). Safe to call twice. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The current fault, or null when storage works. */
  current(): CurrentStorageFault | null {
    return this.fault;
  }

  onRecovered(listener: () => void): void {
    this.recoveredListeners.push(listener);
  }

  /**
   * Records `error` if it is a storage fault (logging only if it starts a fault or changes its
   * kind); true if it was one. Cheap: callers report every error they meet.
   */
  report(error: unknown): boolean {
    const fault = storageFaultOf(error);
    if (fault === null) return false;
    this.enter(fault);
    return true;
  }

  /** Probes storage (at most once per MIN_PROBE_GAP_MS) and returns the fault, if any. */
  check(): Promise<CurrentStorageFault | null> {
    if (this.stopped) return Promise.resolve(this.fault);
    if (this.probing !== null) return this.probing;
    if (Date.now() - this.lastProbe < MIN_PROBE_GAP_MS) return Promise.resolve(this.fault);
    this.probing = this.probe().finally(() => {
      this.lastProbe = Date.now();
      this.probing = null;
    });
    return this.probing;
  }

  private async probe(): Promise<CurrentStorageFault | null> {
    try {
      this.probeFiles();
      await withTimeout(this.readHead(), STORE_PROBE_TIMEOUT_MS);
    } catch (error) {
      // A probe error that is no known fault still means storage does not work.
      if (!this.report(error)) this.enter({ kind: 'unreachable', detail: (error as Error).message });
      return this.fault;
    }
    if (this.fault !== null) this.leave();
    return null;
  }

  /**
   * The files: one committed write, and while the file is thought corrupt, a check of every page
   * read afresh (the page cache may hold pages read before the operator restored the file). The
   * embedded store's own connection needs no such care: the probe's write changes the WAL index,
   * which makes every other connection drop its cache at its next transaction.
   */
  private probeFiles(): void {
    const db = this.readModels.db;
    if (this.fault?.kind === 'corrupt') {
      db.pragma('shrink_memory');
      const result = db.pragma('quick_check(1)', { simple: true });
      if (result !== 'ok') {
        throw Object.assign(new Error(`the integrity check found: ${String(result)}`), { code: 'SQLITE_CORRUPT' });
      }
    }
    this.probeCount = (this.probeCount + 1) % 1_000_000;
    db.pragma(`user_version = ${this.probeCount}`);
  }

  private async readHead(): Promise<void> {
    for await (const _event of this.store.readAll({ direction: 'backwards', maxCount: 1 })) return;
  }

  /** Logs only a kind not yet seen in this episode: a fault that shows two faces is not two faults a second. */
  private enter(fault: StorageFault): void {
    if (this.stopped) return;
    if (this.fault?.kind === fault.kind || this.episodeKinds.has(fault.kind)) return;
    this.episodeKinds.add(fault.kind);
    const previous = this.fault;
    this.fault = { ...fault, since: previous?.since ?? new Date(), reason: reasonOf(fault.kind, fault.detail) };
    this.logger.error(
      `storage fault: ${this.fault.reason}. /readyz answers 503 and requests that need storage get 503 ` +
        'temporarily_unavailable until it clears; meshid retries by itself',
    );
    this.faultedDelayMs = FAULTED_FIRST_PROBE_MS;
    this.schedule(this.faultedDelayMs);
  }

  private leave(): void {
    const fault = this.fault!;
    this.fault = null;
    this.episodeKinds.clear();
    const seconds = ((Date.now() - fault.since.getTime()) / 1000).toFixed(1);
    this.logger.log(`storage fault cleared after ${seconds} s (${describeFault(fault.kind)}): serving again`);
    this.schedule(HEALTHY_PROBE_MS);
    for (const listener of this.recoveredListeners) listener();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    await this.check().catch(() => undefined);
    if (this.fault === null) return this.schedule(HEALTHY_PROBE_MS);
    this.faultedDelayMs = Math.min(this.faultedDelayMs * 2, FAULTED_MAX_PROBE_MS);
    this.schedule(this.faultedDelayMs);
  }
}

function reasonOf(kind: StorageFaultKind, detail: string): string {
  return `${describeFault(kind)} (${detail})`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EventStoreUnavailableError(`the event store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
