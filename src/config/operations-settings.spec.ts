import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config.js';
import { HIDDEN_VALUE, printableConfig } from './secret-settings.js';
import { configProblems } from './testing/config-problems.js';

// The settings of logs, metrics and shutdown (issue H §1).
const dir = mkdtempSync(join(tmpdir(), 'meshid-config-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = (env: Record<string, string>) => loadConfig({ env, cwd: dir });
const TOKEN = '0123456789abcdef0123456789abcdef';

describe('log, metrics and shutdown settings', () => {
  it('default to JSON logs, an open /metrics and a 10 s drain', () => {
    const { config } = load({});
    expect(config).toMatchObject({ logFormat: 'json', shutdownTimeoutSeconds: 10 });
    expect(config.metricsToken).toBeUndefined();
  });

  it('are read from MESHID_LOG_FORMAT, MESHID_METRICS_TOKEN and MESHID_SHUTDOWN_TIMEOUT_SECONDS', () => {
    const { config } = load({ MESHID_LOG_FORMAT: ' Text ', MESHID_METRICS_TOKEN: TOKEN, MESHID_SHUTDOWN_TIMEOUT_SECONDS: '30' });
    expect(config).toMatchObject({ logFormat: 'text', metricsToken: TOKEN, shutdownTimeoutSeconds: 30 });
  });

  it('refuse bad values, naming the variable and never echoing the metrics token', () => {
    const short = 'too-short-but-still-a-secret';
    const problems = configProblems(() => load({ MESHID_LOG_FORMAT: 'xml', MESHID_METRICS_TOKEN: short, MESHID_SHUTDOWN_TIMEOUT_SECONDS: '0' }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('logFormat (from MESHID_LOG_FORMAT) = "xml": expected one of json, text'),
        `metricsToken (from MESHID_METRICS_TOKEN) = "${HIDDEN_VALUE}": expected at least 32 printable characters without spaces (a random token, e.g. openssl rand -hex 32)`,
        expect.stringContaining('shutdownTimeoutSeconds (from MESHID_SHUTDOWN_TIMEOUT_SECONDS) = 0'),
      ]),
    );
    expect(problems.join('\n')).not.toContain(short);
    expect(configProblems(() => load({ MESHID_METRICS_TOKEN: `${TOKEN} with spaces` })).join('\n')).toContain('metricsToken');
  });

  it('print the metrics token as hidden in `meshid config`', () => {
    const { config } = load({ MESHID_METRICS_TOKEN: TOKEN });
    const printed = printableConfig(config);
    expect(printed.metricsToken).toBe(HIDDEN_VALUE);
    expect(JSON.stringify(printed)).not.toContain(TOKEN);
    expect(printed.issuer).toBe(config.issuer);
    expect(config.metricsToken).toBe(TOKEN); // the loaded configuration itself is untouched
  });
});
