import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { comparePositions, type EventStore, type Position, type RecordedEvent } from '#event-store';
import { Clock } from '../../common/clock.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { StorageHealth } from '../../storage/storage-health.js';
import { RAW_EVENT_STORE } from '../../storage/storage.tokens.js';
import { eventEntry, LOG_SEAL_KEY_PURPOSE, LOG_SEALS_STREAM } from './seal-format.js';
import { type PendingEntry, SealWriter } from './seal-writer.js';

/** After a failure (store unreachable, a seal refused), the sealer starts over this much later. */
const RETRY_MS = 5000;
/** How long a flush waits for the subscription to reach the log's head before sealing what it has. */
const FLUSH_WAIT_MS = 5000;
/** Extra rounds a flush allows for seals lost to other replicas. */
const MAX_LOST_RACES = 5;

/**
 * Follows `$all` on the raw store and seals what it sees (see seal-format.ts): a seal as soon as
 * `logSealEvents` events are pending, or `logSealIntervalSeconds` after the oldest pending one
 * arrived, and whatever is pending when the application shuts down (so a CLI run seals what it
 * wrote). Pending entries never exceed `logSealEvents`: the subscription is not read further
 * while a full batch waits for its seal.
 *
 * It runs beside the application and never stops it: a failure is logged and the sealer starts
 * over from the last seal in the log a little later. Several replicas may run one each; the
 * `log-seals` revision gate lets one seal per range win (SealWriter).
 */
@Injectable()
export class LogSealer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LogSealer');
  private readonly key: Buffer;
  private readonly writer: SealWriter;
  private readonly maxEvents: number;
  private readonly intervalMs: number;
  private abort?: AbortController;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  /** Serialises seal appends: the timer's and the subscription loop's. */
  private sealing: Promise<void> = Promise.resolve();
  /** Last `$all` position the subscription delivered (any stream), for flush. */
  private seen: Position | null = null;
  private seenWaiters: Array<() => void> = [];

  constructor(
    @Inject(RAW_EVENT_STORE) private readonly store: EventStore,
    hasher: SecretHasher,
    config: MeshidConfig,
    private readonly clock: Clock,
    /** A storage fault is logged once there (and its end), not at every retry here. */
    @Optional() @Inject(StorageHealth) private readonly health: StorageHealth | null = null,
  ) {
    this.key = hasher.derivedKey(LOG_SEAL_KEY_PURPOSE);
    this.writer = new SealWriter(store, this.key, this.logger);
    this.maxEvents = config.logSealEvents;
    this.intervalMs = config.logSealIntervalSeconds * 1000;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      this.logger.error(`could not seal the end of the log before shutting down: ${(error as Error).message}`);
    }
    await this.stop();
  }

  /** Starts following the log in the background; returns at once. */
  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    this.running = this.run(this.abort.signal);
  }

  /** Stops following the log; a seal being appended finishes first. Nothing pending is sealed. */
  async stop(): Promise<void> {
    this.abort?.abort();
    this.clearTimer();
    this.wakeWaiters();
    await this.running;
    await this.sealing.catch(() => undefined);
  }

  /**
   * Seals every event appended before this call (waiting, up to a bound, for the subscription to
   * see them). Throws if a seal cannot be appended.
   */
  async flush(): Promise<void> {
    if (!this.abort || this.abort.signal.aborted) return;
    const head = await this.logHead();
    if (head !== null && !(await this.waitSeen(head))) {
      this.logger.warn(`the sealer had not reached the log's head (${head.commit}) within ${FLUSH_WAIT_MS} ms; sealing what it has`);
    }
    await this.enqueue(async () => {
      // Each round seals a batch or adopts another writer's seal: bounded even if events keep coming.
      const rounds = Math.ceil(this.writer.pendingCount / this.maxEvents) + MAX_LOST_RACES;
      for (let round = 0; round < rounds && this.writer.pendingCount > 0; round++) await this.writer.sealPending(this.maxEvents);
    });
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.follow(signal);
        return;
      } catch (error) {
        if (signal.aborted) return;
        if (!this.health?.report(error)) this.logger.error(`sealing the log failed, starting over in ${RETRY_MS / 1000} s: ${(error as Error).message}`);
        this.clearTimer();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RETRY_MS);
          timer.unref();
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    }
  }

  /** From the last seal in the log onwards: one subscription, until aborted or the store closes. */
  private async follow(signal: AbortSignal): Promise<void> {
    await this.sealing.catch(() => undefined);
    const head = await this.writer.loadHead();
    for await (const message of this.store.subscribeAll({ fromPosition: head ?? 'start', signal })) {
      if (message.kind === 'caughtUp') continue;
      if (message.kind === 'event') await this.accept(message.event);
      this.markSeen(message.kind === 'event' ? message.event.position : message.position);
    }
  }

  private async accept(event: RecordedEvent): Promise<void> {
    if (event.stream === LOG_SEALS_STREAM) return;
    const entry: PendingEntry = { position: event.position, entry: eventEntry(this.key, event), arrivedAt: this.clock.now() };
    if (!this.writer.add(entry, event)) return;
    if (this.writer.pendingCount >= this.maxEvents) {
      await this.enqueue(() => this.writer.sealPending(this.maxEvents));
    } else if (this.timer === undefined) {
      this.armTimer();
    }
  }

  /** Runs `work` after any seal in progress; the timer is re-armed afterwards if events wait. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    this.clearTimer();
    const next = this.sealing.catch(() => undefined).then(work);
    this.sealing = next.finally(() => {
      if (this.writer.pendingCount > 0 && this.timer === undefined && !this.abort?.signal.aborted) this.armTimer();
    });
    return next;
  }

  private armTimer(): void {
    const oldest = this.writer.oldestArrival() ?? this.clock.now();
    const delay = Math.max(0, oldest + this.intervalMs - this.clock.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.enqueue(() => this.writer.sealPending(this.maxEvents)).catch((error: unknown) => {
        if (!this.health?.report(error)) this.logger.error(`could not append a seal, will retry: ${(error as Error).message}`);
      });
    }, delay);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private markSeen(position: Position): void {
    this.seen = position;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.seenWaiters;
    this.seenWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Whether the subscription delivered `target` within FLUSH_WAIT_MS. */
  private async waitSeen(target: Position): Promise<boolean> {
    const deadline = Date.now() + FLUSH_WAIT_MS;
    while (this.seen === null || comparePositions(this.seen, target) < 0) {
      const left = deadline - Date.now();
      if (left <= 0 || this.abort?.signal.aborted) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.seenWaiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return true;
  }

  private async logHead(): Promise<Position | null> {
    for await (const event of this.store.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
    return null;
  }
}
