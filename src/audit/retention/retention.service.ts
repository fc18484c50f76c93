import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { EventStore } from '#event-store';
import { ProjectionError, type ReadModelDatabase } from '#projections';
import { ProjectionsService } from '../../storage/projections.service.js';
import { RAW_EVENT_STORE, READ_MODEL_DATABASE } from '../../storage/storage.tokens.js';

/** How often the server compacts the log. */
export const COMPACTION_INTERVAL_MS = 3_600_000;
/** How long the CLI waits for the read models to catch up, before and after compacting. */
const CATCH_UP_TIMEOUT_MS = 600_000;
/** The read model that counts what the log holds, so must be rebuilt when events leave it. */
const LOG_SUMMARY = 'log-summary';

export interface CompactionOutcome {
  /** Events the store removed (always 0 on KurrentDB, whose scavenge removes them). */
  removedEvents: number;
  logSummaryRebuilt: boolean;
}

export interface RetentionReport extends CompactionOutcome {
  /** Streams the retention reactor has given a max age, per category. */
  streamsWithMaxAge: Record<string, number>;
}

/**
 * Applies retention: compacts the store (it removes the events older than their stream's max
 * age) and, when events went, rebuilds `log-summary`, which counts them. The server does it every
 * hour (an unref'd timer, stopped on shutdown); `meshid audit retention` does it on demand. An
 * offline CLI application (no HTTP adapter) never schedules.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(RAW_EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase,
    private readonly projections: ProjectionsService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.adapterHost.httpAdapter) return;
    this.timer = setInterval(() => {
      // One compaction at a time: a slow one is not stacked upon.
      this.running ??= this.compactNow()
        .catch((error: unknown) => this.logger.error(`compaction failed, retrying in an hour: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, COMPACTION_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Compacts the store at `now` (default: the current time), then rebuilds log-summary if events went. */
  async compactNow(now?: Date): Promise<CompactionOutcome> {
    const { removed } = await this.store.compact(now);
    if (removed === 0) return { removedEvents: 0, logSummaryRebuilt: false };
    this.logger.log(`removed ${removed} events past their retention age; rebuilding ${LOG_SUMMARY}`);
    await this.projections.rebuild(LOG_SUMMARY);
    return { removedEvents: removed, logSummaryRebuilt: true };
  }

  /**
   * Retention now, for the CLI: waits until the retention reactor has given every stream in the
   * log its max age (its outbox is empty once projections have caught up), then compacts.
   */
  async applyNow(now?: Date): Promise<RetentionReport> {
    await this.projections.caughtUp(CATCH_UP_TIMEOUT_MS);
    const pending = this.readModels.db.prepare('SELECT count(*) FROM retention_pending').pluck().get() as number;
    if (pending > 0) throw new ProjectionError(`the retention reactor still has ${pending} streams to give a max age; try again`);
    const outcome = await this.compactNow(now);
    // The rebuilt summary is complete before the report says it was rebuilt.
    if (outcome.logSummaryRebuilt) await this.projections.caughtUp(CATCH_UP_TIMEOUT_MS);
    return { streamsWithMaxAge: this.streamsWithMaxAge(), ...outcome };
  }

  streamsWithMaxAge(): Record<string, number> {
    const rows = this.readModels.db.prepare('SELECT category, streams FROM retention_streams ORDER BY category').all() as Array<{
      category: string;
      streams: number;
    }>;
    return Object.fromEntries(rows.map((row) => [row.category, row.streams]));
  }
}
