import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { MetricsRegistry } from './metrics-registry.js';

/** Token responses issued at /token, by grant type (refusals are in the HTTP metrics, by status). */
@Injectable()
export class TokenMetrics {
  private readonly issued: Counter<'grant_type'>;

  constructor(registry: MetricsRegistry) {
    this.issued = new Counter({ name: 'meshid_tokens_issued_total', help: 'Successful token responses, by grant type', labelNames: ['grant_type'], registers: [registry] });
  }

  /** Counting into a registry nobody scrapes, for code built outside an application (unit tests). */
  static detached(): TokenMetrics {
    return new TokenMetrics(new Registry());
  }

  /** Counts one response of `grantType` and passes it through, so a call site stays one expression. */
  count<T>(grantType: string, response: T): T {
    this.issued.inc({ grant_type: grantType });
    return response;
  }
}
