import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config.js';
import { configProblems } from './testing/config-problems.js';

// The abuse-limit settings (issue H §5), apart from load-config.spec.ts so that the helpers adding
// settings do not edit the same lines.
const dir = mkdtempSync(join(tmpdir(), 'meshid-config-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = (env: Record<string, string> = {}) => loadConfig({ env, cwd: dir });

describe('rate-limit settings', () => {
  it('default to 600 requests a minute, 10 failed client authentications and 20 registrations an hour', () => {
    expect(load().config).toMatchObject({ rateLimitRequestsPerMinute: 600, rateLimitClientAuthFailures: 10, rateLimitRegistrationsPerHour: 20 });
  });

  it('read their environment variables', () => {
    const { config } = load({ MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE: '1200', MESHID_RATE_LIMIT_CLIENT_AUTH_FAILURES: '5', MESHID_RATE_LIMIT_REGISTRATIONS_PER_HOUR: '100' });
    expect(config).toMatchObject({ rateLimitRequestsPerMinute: 1200, rateLimitClientAuthFailures: 5, rateLimitRegistrationsPerHour: 100 });
  });

  it.each([
    [{ MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE: '0' }, 'rateLimitRequestsPerMinute (from MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE) = 0: expected a positive integer number of requests per minute'],
    [{ MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE: '10.5' }, 'rateLimitRequestsPerMinute (from MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE) = "10.5"'],
    [{ MESHID_RATE_LIMIT_CLIENT_AUTH_FAILURES: '-3' }, 'rateLimitClientAuthFailures (from MESHID_RATE_LIMIT_CLIENT_AUTH_FAILURES) = -3: expected a positive integer number of failures per 15 minutes'],
    [{ MESHID_RATE_LIMIT_CLIENT_AUTH_FAILURES: 'many' }, 'rateLimitClientAuthFailures (from MESHID_RATE_LIMIT_CLIENT_AUTH_FAILURES) = "many"'],
    [{ MESHID_RATE_LIMIT_REGISTRATIONS_PER_HOUR: '' }, 'rateLimitRegistrationsPerHour (from MESHID_RATE_LIMIT_REGISTRATIONS_PER_HOUR) = ""'],
    [{ MESHID_RATE_LIMIT_REGISTRATIONS_PER_HOUR: '1000000' }, 'rateLimitRegistrationsPerHour (from MESHID_RATE_LIMIT_REGISTRATIONS_PER_HOUR) = 1000000: expected a positive integer number of registrations per hour, at most 100000'],
  ])('refuse %j naming the setting', (env, message) => {
    expect(configProblems(() => load(env)).join('\n')).toContain(message);
  });
});
