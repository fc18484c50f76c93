import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '#event-store';
import { LogSummaryQuery } from '../src/audit/read-model/log-summary.query.js';
import { PEPPER_FILE } from '../src/config/data-directory.js';
import { loadConfig } from '../src/config/load-config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { ProjectionsService } from '../src/storage/projections.service.js';

const dataDir = mkdtempSync(join(tmpdir(), 'meshid-e2e-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(): Promise<RunningServer> {
  const loaded = loadConfig({ env: { MESHID_PORT: '0', MESHID_DATA_DIR: dataDir, MESHID_LOG_LEVEL: 'warn' }, cwd: dataDir });
  return startServer(loaded);
}

describe('meshid on the embedded store', () => {
  let server: RunningServer;

  it('serves liveness and readiness with the store and projections named', async () => {
    server = await start();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(await health.json()).toEqual({ status: 'ok' });

    const projections = server.app.get(ProjectionsService);
    await waitUntil(() => projections.readiness().ready);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const report = (await ready.json()) as { ready: boolean; eventStore: { reachable: boolean }; projections: Array<{ name: string }> };
    expect(report.ready).toBe(true);
    expect(report.eventStore.reachable).toBe(true);
    expect(report.projections.map((p) => p.name)).toContain('log-summary');
  });

  it('projects what is appended, readable as soon as waitFor returns', async () => {
    const store = server.app.get<EventStore>(EVENT_STORE);
    // A category of its own, so that no module's projection takes these probe events for its own.
    const first = await store.append('probe-one', [{ type: 'ProbeRecorded', data: { n: 1 } }], 'no_stream');
    const second = await store.append('probe-one', [{ type: 'ProbeRecorded', data: { n: 2 } }], 0n);
    expect(first.nextExpectedRevision).toBe(0n);
    await server.app.get(ProjectionsService).waitFor(second.position, 2000);
    expect(server.app.get(LogSummaryQuery).categories()).toContainEqual(
      expect.objectContaining({ category: 'probe', streams: 1, events: 2 }),
    );
  });

  it('keeps the log, its secrets and projection checkpoints across a restart', async () => {
    const pepper = readFileSync(join(dataDir, PEPPER_FILE), 'utf8');
    await server.close();
    server = await start();
    expect(readFileSync(join(dataDir, PEPPER_FILE), 'utf8')).toBe(pepper);
    const store = server.app.get<EventStore>(EVENT_STORE);
    const third = await store.append('probe-two', [{ type: 'ProbeRecorded', data: { n: 3 } }], 'no_stream');
    await server.app.get(ProjectionsService).waitFor(third.position, 2000);
    // Resumed from its checkpoint: the two events before the restart are not counted twice.
    expect(server.app.get(LogSummaryQuery).categories()).toContainEqual(
      expect.objectContaining({ category: 'probe', streams: 2, events: 3 }),
    );
    await server.close();
  });

  it('sends HSTS on every answer when the issuer is https (behind a TLS proxy), and not on an http issuer', async () => {
    server = await start();
    expect((await fetch(`${server.url}/healthz`)).headers.get('strict-transport-security')).toBeNull();
    await server.close();
    const behindProxy = loadConfig({ env: { MESHID_PORT: '0', MESHID_DATA_DIR: dataDir, MESHID_LOG_LEVEL: 'warn', MESHID_ISSUER: 'https://idp.example.com' }, cwd: dataDir });
    server = await startServer(behindProxy);
    for (const path of ['/healthz', '/.well-known/openid-configuration', '/nope']) {
      expect((await fetch(`${server.url}${path}`)).headers.get('strict-transport-security')).toBe('max-age=31536000');
    }
    await server.close();
  });

  it('answers an unknown route with a JSON 404, not a stack trace', async () => {
    server = await start();
    const response = await fetch(`${server.url}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
    await server.close();
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
