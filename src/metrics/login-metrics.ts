import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { MetricsRegistry } from './metrics-registry.js';

/** `unavailable`: who it is could not be established (tailscaled not answering), no fault of theirs. */
export type LoginOutcome = 'succeeded' | 'failed' | 'rate_limited' | 'unavailable';

/**
 * Sign-ins by method and outcome: an account's (password, passkey, approval), counted as they
 * happen, before the login trail's suppression of repeated failures (the trail keeps the log
 * small, the metric shows the real rate of a guessing flood); and a network identity's (tailscale,
 * proxy-headers, dev) when /authorize starts its session, or cannot tell who is asking.
 */
@Injectable()
export class LoginMetrics {
  private readonly logins: Counter<'method' | 'outcome'>;

  constructor(registry: MetricsRegistry) {
    this.logins = new Counter({ name: 'meshid_logins_total', help: 'Sign-ins, by method and outcome', labelNames: ['method', 'outcome'], registers: [registry] });
  }

  /** Counting into a registry nobody scrapes, for code built outside an application (unit tests). */
  static detached(): LoginMetrics {
    return new LoginMetrics(new Registry());
  }

  record(method: string, outcome: LoginOutcome): void {
    this.logins.inc({ method, outcome });
  }
}
