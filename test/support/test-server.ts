import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { CreateClientCommand } from '../../src/clients/commands/create-client.command.js';
import type { ClientMetadataInput } from '../../src/clients/domain/client-metadata.js';
import { loadConfig } from '../../src/config/load-config.js';
import { type RunningServer, type StartOptions, startServer } from '../../src/server.js';
import { ProjectionsService } from '../../src/storage/projections.service.js';

/** A free loopback port, so that the issuer URL can be known before the server starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  server: RunningServer;
  /** http://127.0.0.1:<port>, also the configured issuer, as relying parties will compare it. */
  issuer: string;
  dataDir: string;
  /** Registers a client through the command bus and waits until the directory knows it. */
  createClient(metadata: ClientMetadataInput): Promise<{ clientId: string; clientSecret?: string }>;
  close(): Promise<void>;
}

/**
 * meshid on a fresh data directory, issuer = its own URL; `env` adds or overrides settings, and
 * `options.logDestination` receives the log lines (with MESHID_LOG_LEVEL in `env` to hear them).
 */
export async function startTestServer(env: Record<string, string> = {}, options: Pick<StartOptions, 'logDestination'> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meshid-e2e-'));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  // Seals land on shutdown rather than mid-test, so suites that count events see only their own
  // (audit-verify's suites exercise the sealer's timing).
  const settings = {
    MESHID_PORT: String(port),
    MESHID_ISSUER: issuer,
    MESHID_DATA_DIR: dataDir,
    MESHID_LOG_LEVEL: 'error',
    MESHID_LOG_SEAL_INTERVAL_SECONDS: '3600',
    // Every suite calls from 127.0.0.1: the abuse limits are lifted but for the suites about them
    // (test/rate-limits.e2e-spec.ts sets its own).
    MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
    MESHID_RATE_LIMIT_CLIENT_AUTH_FAILURES: '10000',
    MESHID_RATE_LIMIT_REGISTRATIONS_PER_HOUR: '100000',
    ...env,
  };
  const server = await startServer(loadConfig({ env: settings, cwd: dataDir }), options);
  return {
    server,
    issuer,
    dataDir,
    async createClient(metadata) {
      const result = await server.app.get(CommandBus).execute(new CreateClientCommand(metadata, { actor: 'test', correlationId: 'test' }));
      await server.app.get(ProjectionsService).waitFor(result.position, 5000);
      return { clientId: result.clientId, ...(result.clientSecret ? { clientSecret: result.clientSecret } : {}) };
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
