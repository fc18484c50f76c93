import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KurrentDbWireFake } from '../libs/event-store/src/testing/kurrentdb-wire-fake/index.js';
import { authorize, createClientOffline, expectReplayMatches, expectTemporarilyUnavailable, type FaultClient, login, perRequestFailureLines, redeem } from './support/fault-checks.js';
import { MeshidChild, until } from './support/fault-meshid.js';
import { FaultTcpProxy } from './support/fault-tcp-proxy.js';
import { freePort } from './support/test-server.js';

// A KurrentDB that disappears and comes back, under a running `meshid serve` configured for
// KurrentDB: the real @kurrent/kurrentdb-client talks to the wire fake through a TCP relay, which
// resets every connection and refuses new ones (the server is gone), then listens again on the same
// port (it is back). While it is gone: /readyz 503 naming the fault, one log line, 503
// temporarily_unavailable to callers; once back: projections resumed from their checkpoints,
// readiness 200 and logins again, with no event lost, all without a restart.
const TEST_TIMEOUT_MS = 180_000;
const FAULT_DEADLINE_MS = 30_000;

describe('KurrentDB disappearing and coming back', () => {
  let fake: KurrentDbWireFake;
  let proxy: FaultTcpProxy;
  let dataDir: string;
  let env: Record<string, string>;
  let client: FaultClient;

  beforeAll(async () => {
    fake = new KurrentDbWireFake();
    const { port } = await fake.start();
    proxy = new FaultTcpProxy(port);
    const relayed = await proxy.start();
    dataDir = mkdtempSync(join(tmpdir(), 'meshid-faults-kurrentdb-'));
    env = { MESHID_EVENT_STORE: 'kurrentdb', KURRENTDB_CONNECTION_STRING: `kurrentdb://127.0.0.1:${relayed}?tls=false` };
    client = await createClientOffline({ MESHID_DATA_DIR: dataDir, ...env });
  }, 120_000);

  afterAll(async () => {
    await proxy?.stop();
    await fake?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives 503 while it is gone and recovers by itself when it is back', async () => {
    const meshid = new MeshidChild({ dataDir, port: await freePort(), env });
    try {
      await meshid.ready();
      await login(meshid, client);
      const pending = (await authorize(meshid, client)).get('code')!;
      const before = fake.log.records.map((record) => record.id);

      await proxy.cut();
      let report = await meshid.readyz();
      await until(
        async () => (report = await meshid.readyz()).status === 503,
        FAULT_DEADLINE_MS,
        () => `readiness stayed ${report.status}: ${JSON.stringify(report.body)}\n${meshid.log.slice(-3000)}`,
      );
      expect(report.body.storage?.fault).toBe('unreachable');
      expect(report.body.reasons?.[0]).toMatch(/^storage fault: the event store cannot be reached/);
      await expectTemporarilyUnavailable(await redeem(meshid, client, pending));
      expect((await authorize(meshid, client)).get('error')).toBe('temporarily_unavailable');
      for (let i = 0; i < 3; i++) await expectTemporarilyUnavailable(await redeem(meshid, client, pending));
      expect(meshid.lines(/storage fault: /)).toHaveLength(1);
      expect(perRequestFailureLines(meshid)).toEqual([]);
      expect(fake.log.records.map((record) => record.id)).toEqual(before);

      await proxy.restore();
      await meshid.ready(FAULT_DEADLINE_MS);
      expect(meshid.lines(/storage fault cleared/)).toHaveLength(1);
      await login(meshid, client);
      const after = fake.log.records.map((record) => record.id);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.length).toBeGreaterThan(before.length);
      expect(meshid.lines(/storage fault: /)).toHaveLength(1);
    } finally {
      expect(await meshid.stop()).toBe(0);
    }
    await expectReplayMatches(meshid, env);
  }, TEST_TIMEOUT_MS);
});
