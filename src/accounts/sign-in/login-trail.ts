import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type JsonObject } from '#event-store';
import { auditStream } from '../../audit/domain/audit.events.js';
import { Clock } from '../../common/clock.js';
import { commandMetadata } from '../../common/event-sourcing/aggregate-stream.js';
import { LoginMetrics } from '../../metrics/login-metrics.js';
import { accountSubject } from '../domain/account.events.js';
import { LOGIN_FAILED, LOGIN_SUCCEEDED, type LoginFailed, type LoginMethod, type LoginSucceeded } from './login-trail.events.js';

/** At most this many failures per address are recorded one by one per window... */
const RECORDED_PER_WINDOW = 20;
const WINDOW_MS = 60_000;
/** ...and this many addresses are tracked (the oldest window is forgotten first). */
const TRACKED_SOURCES = 10_000;

export interface SucceededLogin {
  subject: string;
  method: LoginMethod;
  clientId?: string;
  ip: string;
  correlationId: string;
}

export interface FailedLogin {
  accountId: string | null;
  method: LoginMethod;
  reason: string;
  ip: string;
  correlationId: string;
}

/**
 * LoginSucceeded / LoginFailed in the day's audit stream. Failures are suppressed like
 * AuditTrail's refusals: past RECORDED_PER_WINDOW a minute from one address they are counted, and
 * the next recorded one carries the count, so a guessing flood does not become a flood of
 * events. Successes are always recorded. Recording never fails the sign-in (a failure is logged).
 */
@Injectable()
export class LoginTrail {
  private readonly logger = new Logger('LoginTrail');
  private readonly windows = new Map<string, { startedAt: number; recorded: number; suppressed: number }>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
    @Optional() private readonly metrics: LoginMetrics = LoginMetrics.detached(),
  ) {}

  async succeeded(login: SucceededLogin): Promise<void> {
    this.metrics.record(login.method, 'succeeded');
    const data: LoginSucceeded = { subject: login.subject, method: login.method, clientId: login.clientId ?? null };
    await this.record(LOGIN_SUCCEEDED, data, login.subject, login);
  }

  async failed(login: FailedLogin): Promise<void> {
    this.metrics.record(login.method, login.reason === 'rate_limited' ? 'rate_limited' : 'failed');
    const now = this.clock.now();
    let window = this.windows.get(login.ip);
    if (window === undefined || now - window.startedAt >= WINDOW_MS) {
      const carried = window?.suppressed ?? 0;
      this.windows.delete(login.ip);
      if (this.windows.size >= TRACKED_SOURCES) this.windows.delete(this.windows.keys().next().value!);
      window = { startedAt: now, recorded: 0, suppressed: carried };
      this.windows.set(login.ip, window);
    }
    if (window.recorded >= RECORDED_PER_WINDOW) {
      window.suppressed++;
      return;
    }
    window.recorded++;
    const subject = login.accountId === null ? null : accountSubject(login.accountId);
    const data: LoginFailed = { accountId: login.accountId, subject, method: login.method, reason: login.reason, suppressed: window.suppressed };
    window.suppressed = 0;
    await this.record(LOGIN_FAILED, data, subject ?? 'anonymous', login);
  }

  private async record(type: string, data: JsonObject, actor: string, login: { ip: string; correlationId: string }): Promise<void> {
    const metadata = commandMetadata({ actor, correlationId: login.correlationId, ip: login.ip });
    try {
      await this.store.append(auditStream(new Date(this.clock.now())), [{ type, data, metadata }], 'any');
    } catch (error) {
      this.logger.error(`could not record ${type} (from ${login.ip}): ${(error as Error).message}`);
    }
  }
}
