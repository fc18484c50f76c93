import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { MetricsRegistry } from './metrics-registry.js';

export type LoginOutcome = 'succeeded' | 'failed' | 'rate_limited';

/**
 * Sign-ins by method (password, passkey, approval) and outcome. Counted as they happen, before
 * the login trail's suppression of repeated failures: the trail keeps the log small, the metric
 * shows the real rate of a guessing flood.
 */
@Injectable()
export class LoginMetrics {
  private readonly logins: Counter<'method' | 'outcome'>;

  constructor(registry: MetricsRegistry) {
    this.logins = new Counter({ name: 'meshid_logins_total', help: 'Account sign-ins, by method and outcome', labelNames: ['method', 'outcome'], registers: [registry] });
  }

  /** Counting into a registry nobody scrapes, for code built outside an application (unit tests). */
  static detached(): LoginMetrics {
    return new LoginMetrics(new Registry());
  }

  record(method: string, outcome: LoginOutcome): void {
    this.logins.inc({ method, outcome });
  }
}
