import { describe, expect, it } from '@jest/globals';
import { register as globalRegistry } from 'prom-client';
import { HttpMetrics } from './http-metrics.js';
import { LoginMetrics } from './login-metrics.js';
import { metricsAccessAllowed } from './metrics-access.js';
import { MetricsRegistry } from './metrics-registry.js';
import { TokenMetrics } from './token-metrics.js';

describe('MetricsRegistry', () => {
  it('keeps each application its own counts, and none in the global registry', async () => {
    const first = new MetricsRegistry();
    const second = new MetricsRegistry();
    new TokenMetrics(first).count('authorization_code', {});
    new TokenMetrics(second); // the same metric names register again on another registry
    const firstText = await first.metrics();
    expect(firstText).toContain('meshid_tokens_issued_total{grant_type="authorization_code"} 1');
    expect(await second.metrics()).not.toContain('grant_type="authorization_code"');
    expect(await globalRegistry.metrics()).not.toContain('meshid_');
  });

  it('exposes the text format 0.0.4 with Node process metrics', async () => {
    const registry = new MetricsRegistry();
    expect(registry.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await registry.metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('counts requests and latency by method, route pattern and status', async () => {
    const registry = new MetricsRegistry();
    const http = new HttpMetrics(registry);
    http.observe('GET', '/api/v1/clients/:id', 200, 0.012);
    http.observe('GET', '/api/v1/clients/:id', 200, 0.3);
    http.observe('GET', 'unmatched', 404, 0.001);
    const text = await registry.metrics();
    expect(text).toContain('meshid_http_requests_total{method="GET",route="/api/v1/clients/:id",status_code="200"} 2');
    expect(text).toContain('meshid_http_requests_total{method="GET",route="unmatched",status_code="404"} 1');
    expect(text).toContain('meshid_http_request_duration_seconds_bucket{le="0.025",method="GET",route="/api/v1/clients/:id",status_code="200"} 1');
    expect(text).toContain('meshid_http_request_duration_seconds_count{method="GET",route="/api/v1/clients/:id",status_code="200"} 2');
  });

  it('counts login outcomes by method', async () => {
    const registry = new MetricsRegistry();
    const logins = new LoginMetrics(registry);
    logins.record('password', 'failed');
    logins.record('password', 'failed');
    logins.record('password', 'rate_limited');
    logins.record('passkey', 'succeeded');
    const text = await registry.metrics();
    expect(text).toContain('meshid_logins_total{method="password",outcome="failed"} 2');
    expect(text).toContain('meshid_logins_total{method="password",outcome="rate_limited"} 1');
    expect(text).toContain('meshid_logins_total{method="passkey",outcome="succeeded"} 1');
  });

  it('passes a counted token response through unchanged', () => {
    const response = { access_token: 'x' };
    expect(TokenMetrics.detached().count('client_credentials', response)).toBe(response);
  });
});

describe('metricsAccessAllowed', () => {
  const token = 'a'.repeat(20) + 'B'.repeat(20);

  it('lets everyone in when no token is configured', () => {
    expect(metricsAccessAllowed(undefined, undefined)).toBe(true);
    expect(metricsAccessAllowed('Bearer whatever', undefined)).toBe(true);
  });

  it('wants exactly the configured bearer token', () => {
    expect(metricsAccessAllowed(`Bearer ${token}`, token)).toBe(true);
    expect(metricsAccessAllowed(`bearer ${token}`, token)).toBe(true);
    expect(metricsAccessAllowed(undefined, token)).toBe(false);
    expect(metricsAccessAllowed('', token)).toBe(false);
    expect(metricsAccessAllowed(token, token)).toBe(false);
    expect(metricsAccessAllowed(`Basic ${token}`, token)).toBe(false);
    expect(metricsAccessAllowed(`Bearer ${token}x`, token)).toBe(false);
    expect(metricsAccessAllowed(`Bearer ${token.slice(1)}`, token)).toBe(false);
    expect(metricsAccessAllowed(`Bearer ${token} ${token}`, token)).toBe(false);
  });
});
