import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../common/clock.js';
import { commandMetadata } from '../common/event-sourcing/aggregate-stream.js';
import { ADMIN_ACTION_DENIED, type AdminActionDenied, type AdminDenialReason, auditStream } from './domain/audit.events.js';

/** At most this many refusals per address and reason are recorded one by one per window... */
const RECORDED_PER_WINDOW = 20;
const WINDOW_MS = 60_000;
/** ...and this many addresses are tracked (the oldest window is forgotten first). */
const TRACKED_SOURCES = 10_000;

interface Window {
  startedAt: number;
  recorded: number;
  suppressed: number;
}

export interface Denial {
  method: string;
  path: string;
  reason: AdminDenialReason;
  actor: string | null;
  ip: string;
  correlationId?: string;
}

/**
 * Appends security events to the day's audit stream. A refusal is recorded as AdminActionDenied;
 * a caller hammering the API would otherwise turn each refused request into an event, so past
 * RECORDED_PER_WINDOW per minute from one address for one reason they are counted, not written,
 * and the next recorded refusal carries the count. Recording never fails the request it is about:
 * the refusal is answered whether or not the store took the event (a failure is logged).
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger('Audit');
  private readonly windows = new Map<string, Window>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async adminActionDenied(denial: Denial): Promise<void> {
    const now = this.clock.now();
    const key = `${denial.ip}\u0000${denial.reason}`;
    let window = this.windows.get(key);
    if (window === undefined || now - window.startedAt >= WINDOW_MS) {
      const carried = window?.suppressed ?? 0;
      this.windows.delete(key);
      if (this.windows.size >= TRACKED_SOURCES) this.windows.delete(this.windows.keys().next().value!);
      window = { startedAt: now, recorded: 0, suppressed: carried };
      this.windows.set(key, window);
    }
    if (window.recorded >= RECORDED_PER_WINDOW) {
      window.suppressed++;
      return;
    }
    window.recorded++;
    const data: AdminActionDenied = { method: denial.method, path: denial.path, reason: denial.reason, actor: denial.actor, suppressed: window.suppressed };
    window.suppressed = 0;
    const metadata = commandMetadata({ actor: denial.actor ?? 'anonymous', correlationId: denial.correlationId ?? randomUUID(), ip: denial.ip });
    try {
      await this.store.append(auditStream(new Date(now)), [{ type: ADMIN_ACTION_DENIED, data, metadata }], 'any');
    } catch (error) {
      this.logger.error(`could not record ${ADMIN_ACTION_DENIED} (${denial.reason} from ${denial.ip}): ${(error as Error).message}`);
    }
  }
}
