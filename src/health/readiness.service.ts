import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, comparePositions, formatPosition, type RecordedEvent } from '#event-store';
import { ProjectionsService } from '../storage/projections.service.js';
import { StorageHealth } from '../storage/storage-health.js';
import type { StorageFaultKind } from '../storage/storage-fault.js';

export interface ProjectionReport {
  name: string;
  caughtUp: boolean;
  checkpoint: string | null;
  /** How long the newest event in the log has waited for this projection; 0 when it has it. */
  lagMs: number;
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  /** Why it is not ready, one sentence each (empty when ready). */
  reasons: string[];
  /** A storage fault (read-only, disk full, corrupt file, store unreachable) and since when. */
  storage: { fault: StorageFaultKind | null; reason?: string; since?: string };
  eventStore: { reachable: boolean; head: string | null; error?: string };
  projections: ProjectionReport[];
}

const STORE_PROBE_TIMEOUT_MS = 2000;

/**
 * Ready means: storage has no fault (its probe writes and reads), the event store answers, and
 * every projection has caught up and none has failed. Lag is reported, not judged: a filtered
 * projection on KurrentDB may sit a few filtered-out events behind the head until the server's
 * next checkpoint, which is not a fault.
 */
@Injectable()
export class ReadinessService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionsService,
    private readonly health: StorageHealth,
  ) {}

  async check(): Promise<ReadinessReport> {
    await this.health.check();
    let head: RecordedEvent | null = null;
    let storeError: string | undefined;
    try {
      head = await withTimeout(this.readHead(), STORE_PROBE_TIMEOUT_MS);
    } catch (error) {
      storeError = (error as Error).message;
      this.health.report(error);
    }
    const now = Date.now();
    const projections = this.projections.status().map((status): ProjectionReport => {
      const behind = head !== null && (status.checkpoint === null || comparePositions(status.checkpoint, head.position) < 0);
      return {
        name: status.name,
        caughtUp: status.caughtUp,
        checkpoint: status.checkpoint && formatPosition(status.checkpoint),
        lagMs: behind ? Math.max(0, now - head!.createdAt.getTime()) : 0,
        ...(status.error ? { error: status.error } : {}),
      };
    });
    const reachable = storeError === undefined;
    const fault = this.health.current();
    const { failed, catchingUp } = this.projections.readiness();
    const reasons = [
      ...(fault ? [`storage fault: ${fault.reason}`] : []),
      ...(reachable || fault ? [] : [`the event store does not answer: ${storeError}`]),
      ...failed.map((projection) => projection.error),
      ...(catchingUp.length > 0 ? [`projections catching up: ${catchingUp.join(', ')}`] : []),
    ];
    return {
      ready: reasons.length === 0,
      reasons,
      storage: fault ? { fault: fault.kind, reason: fault.reason, since: fault.since.toISOString() } : { fault: null },
      eventStore: { reachable, head: head && formatPosition(head.position), ...(storeError ? { error: storeError } : {}) },
      projections,
    };
  }

  private async readHead(): Promise<RecordedEvent | null> {
    for await (const event of this.store.readAll({ direction: 'backwards', maxCount: 1 })) return event;
    return null;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the event store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
