import 'reflect-metadata';
import type { ServerOptions } from 'node:https';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { serveOpenApi } from './admin/http/openapi.js';
import { AppModule } from './app.module.js';
import { clientErrorHandler, frameworkErrors, refuseEncodedBodies } from './common/http/fastify-errors.js';
import { BODY_LIMIT_BYTES, installBodyLimits } from './common/http/body-limits.js';
import { installSecurityHeaders } from './common/http/security-headers.js';
import { installEndpointRateLimits } from './common/rate-limit/endpoint-rate-limits.js';
import { Clock } from './common/clock.js';
import { refuseNonJsonAdminBodies } from './admin/http/admin-json-bodies.js';
import { installTransportSecurity } from './common/http/transport-security.js';
import { installPublicCors } from './common/http/public-cors.js';
import { ConfigError } from './config/config-error.js';
import { prepareDataDirectory } from './config/data-directory.js';
import type { LoadedConfig } from './config/load-config.js';
import { LOG_LEVELS } from './config/meshid-config.js';
import { EMBEDDED_DATABASE_FILE } from './storage/event-store.factory.js';
import { installFunnelGate } from './policy/funnel-gate.js';
import { LocalApiClient } from './policy/tailscale/localapi-client.js';
import { TailscaleCertificates } from './policy/tailscale/tailscale-certificates.js';
import { TrustedProxies } from './policy/trusted-proxies.js';
import { openStorage } from './storage/open-storage.js';

export interface RunningServer {
  app: NestFastifyApplication;
  /** Where the server listens, e.g. http://127.0.0.1:8080 (the real port when 0 was asked). */
  url: string;
  close(): Promise<void>;
}

/** Prepares the data directory, starts meshid and returns once it listens. */
export async function startServer(loaded: LoadedConfig, options: { handleSignals?: boolean } = {}): Promise<RunningServer> {
  const { config } = loaded;
  const levels = LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1) as LogLevel[];
  const logger = new ConsoleLogger('meshid', { logLevels: levels });
  const dataDirectory = prepareDataDirectory(config.dataDir);
  for (const warning of [...loaded.warnings, ...dataDirectory.warnings]) logger.warn(warning);

  const storage = await openStorage(config);
  for (const migration of storage.readModels.migrationsApplied) logger.log(`applied migration ${migration.name}`);

  let https: ServerOptions | null = null;
  try {
    https = await httpsOptions(config);
  } catch (error) {
    await storage.store.close();
    storage.readModels.close();
    throw error;
  }
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: false, frameworkErrors, clientErrorHandler, ...(https ? { https } : {}) });
  installBodyLimits(adapter.getInstance());
  installSecurityHeaders(adapter.getInstance());
  refuseEncodedBodies(adapter.getInstance());
  refuseNonJsonAdminBodies(adapter.getInstance());
  installFunnelGate(adapter.getInstance(), new TrustedProxies(config), config.identity.includes('account'));
  installPublicCors(adapter.getInstance());
  installTransportSecurity(adapter.getInstance(), config.issuer);
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, dataDirectory.secrets, storage), adapter, {
      logger,
      abortOnError: false,
    });
  } catch (error) {
    await storage.store.close();
    storage.readModels.close();
    throw error;
  }
  installEndpointRateLimits(adapter.getInstance(), config, app.get(Clock, { strict: false }), new TrustedProxies(config));
  serveOpenApi(app, config.issuer);
  if (options.handleSignals) exitOnSignals(app, logger);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new ConfigError([`host/port: cannot listen on ${config.host}:${config.port} (${code}): ${(error as Error).message}`]);
    }
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const url = `${https ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  const store =
    config.eventStore === 'sqlite' ? `SQLite at ${config.dataDir}/${EMBEDDED_DATABASE_FILE}` : 'KurrentDB (KURRENTDB_CONNECTION_STRING)';
  logger.log(`listening on ${url}, issuer ${config.issuer}, event store ${store}`);
  if (dataDirectory.created.length > 0) {
    logger.log(
      `first start: created ${dataDirectory.created.join(', ')}. The pepper and key-encryption key protect every ` +
        'stored secret: back them up with the data directory and never share them.',
    );
  }
  logger.log(`health: GET ${url}/healthz (alive), GET ${url}/readyz (store reachable, read models current)`);
  return { app, url, close: () => app.close() };
}

/**
 * MESHID_TLS=tailscale: HTTPS with the certificate tailscaled issues for the issuer's host name,
 * renewed in the background (TailscaleCertificates). A handshake that names a host (SNI, as every
 * browser and relying party sends) gets the current certificate, whatever the name, since the node
 * has only this one; one that names none (a client dialling the bare IP, which cannot verify the
 * name anyway) gets the one fetched at start. A certificate tailscaled cannot issue stops start.
 */
async function httpsOptions(config: LoadedConfig['config']): Promise<ServerOptions | null> {
  if (config.tls !== 'tailscale') return null;
  const certificates = new TailscaleCertificates(new LocalApiClient(config.tailscaleSocket, config.tailscaleTimeoutMs), new URL(config.issuer).hostname);
  let first;
  try {
    first = await certificates.load();
  } catch (error) {
    throw new ConfigError([`tls (MESHID_TLS=tailscale): ${(error as Error).message}`]);
  }
  return { key: first.keyPem, cert: first.certificatePem, SNICallback: (_servername, done) => done(null, certificates.secureContext()) };
}

/**
 * SIGINT/SIGTERM close the app: Fastify stops accepting and drains requests in flight, then the
 * storage lifecycle stops projections at a checkpoint and closes the store. A clean shutdown exits
 * 0 (Nest's own hooks re-raise the signal instead, which reads as a crash to supervisors).
 */
function exitOnSignals(app: NestFastifyApplication, logger: ConsoleLogger): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: shutting down`);
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
    });
  }
}
