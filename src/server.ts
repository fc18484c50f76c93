import 'reflect-metadata';
import type { ServerOptions } from 'node:https';
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
import type { LogDestination } from './logging/log-destination.js';
import { PinoNestLogger } from './logging/pino-nest-logger.js';
import { requestIdFor } from './logging/request-id.js';
import { installRequestIdHeader, RequestLogController } from './logging/request-logging.js';
import { createRootLogger } from './logging/root-logger.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { installHttpMetrics } from './metrics/install-http-metrics.js';
import { ConnectionDraining } from './shutdown/connection-draining.js';
import { exitOnSignals } from './shutdown/exit-on-signals.js';
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

export interface StartOptions {
  /** Exit on SIGINT/SIGTERM after a graceful shutdown (`meshid serve`). */
  handleSignals?: boolean;
  /** Where log lines go; standard output by default (tests read them back). */
  logDestination?: LogDestination;
}

/** Prepares the data directory, starts meshid and returns once it listens. */
export async function startServer(loaded: LoadedConfig, options: StartOptions = {}): Promise<RunningServer> {
  const { config } = loaded;
  // One pino logger for Nest's lines and Fastify's request lines: JSON (or text), no secrets.
  const rootLogger = createRootLogger({ level: config.logLevel, format: config.logFormat, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const logger = new PinoNestLogger(rootLogger);
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
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: false,
    frameworkErrors,
    clientErrorHandler,
    loggerInstance: rootLogger,
    logController: new RequestLogController(),
    genReqId: requestIdFor,
    forceCloseConnections: 'idle',
    ...(https ? { https } : {}),
  });
  const draining = new ConnectionDraining(adapter.getInstance().server);
  installRequestIdHeader(adapter.getInstance());
  draining.install(adapter.getInstance());
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
  // Before listen: Fastify binds root hooks to the routes when it becomes ready.
  installHttpMetrics(adapter.getInstance(), app.get(HttpMetrics));
  const shutDown = async () => {
    await draining.drain();
    await app.close();
  };
  if (options.handleSignals) exitOnSignals(shutDown, logger, config.shutdownTimeoutSeconds);
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
  return { app, url, close: shutDown };
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
