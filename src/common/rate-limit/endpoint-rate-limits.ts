import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MeshidConfig } from '../../config/meshid-config.js';
import type { TrustedProxies } from '../../policy/trusted-proxies.js';
import type { Clock } from '../clock.js';
import { claimedClientId } from './claimed-client.js';
import { SlidingWindow } from './sliding-window.js';
import { sendTooManyRequests } from './too-many-requests.js';

export type RateLimitSettings = Pick<MeshidConfig, 'rateLimitRequestsPerMinute' | 'rateLimitClientAuthFailures' | 'rateLimitRegistrationsPerHour'>;

const MINUTE = 60_000;
/** Failed client authentications are counted over the same 15 minutes as failed sign-ins. */
export const CLIENT_AUTH_FAILURE_WINDOW_MS = 15 * MINUTE;
const HOUR = 60 * MINUTE;

type Endpoint = 'token' | 'introspect' | 'revoke' | 'userinfo' | 'register';
/** The limited routes, by method and route pattern (what Fastify matched, never the raw URL). */
const ROUTES: Readonly<Record<string, Endpoint>> = {
  'POST /token': 'token',
  'POST /introspect': 'introspect',
  'POST /revoke': 'revoke',
  'GET /userinfo': 'userinfo',
  'HEAD /userinfo': 'userinfo',
  'POST /userinfo': 'userinfo',
  'POST /register': 'register',
};
/** The endpoints where a client authenticates with its secret (ClientAuthenticator). */
const CLIENT_AUTHENTICATED = new Set<Endpoint>(['token', 'introspect', 'revoke']);

interface Limited {
  endpoint: Endpoint;
  address: string;
  clientId?: string;
}

/**
 * The abuse limits of the OAuth endpoints, all here, as Fastify hooks (no controller knows):
 *
 * - requests per minute at /token, /introspect, /revoke per address (onRequest, before the body
 *   is read) and per client that authenticated (counted once the answer is a success, so that
 *   requests merely naming a client cannot spend its budget), and at /userinfo per address;
 * - failed client authentications (the 401s of those three endpoints: a wrong or missing
 *   secret) per 15 minutes per address: past the limit the address is refused, the right secret
 *   included, until its oldest failure is 15 minutes old, so a secret cannot be guessed online.
 *   Never per client_id: client ids are public (they are in every authorization URL), and anyone
 *   could then lock a relying party out of /token. A success clears nothing, or a guesser holding
 *   one client of its own could reset its count between guesses;
 * - registrations per hour at POST /register per address and per initial access token (keyed by
 *   its SHA-256, never the token itself).
 *
 * The address is the one TrustedProxies reads (X-Forwarded-For only from a trusted proxy), as
 * for sign-in limits. Per process, like every limiter here (see SlidingWindow).
 */
export function installEndpointRateLimits(fastify: FastifyInstance, settings: RateLimitSettings, clock: Clock, proxies: TrustedProxies): void {
  const logger = new Logger('RateLimits');
  const requests = new SlidingWindow({ limit: settings.rateLimitRequestsPerMinute, windowMs: MINUTE });
  const failures = new SlidingWindow({ limit: settings.rateLimitClientAuthFailures, windowMs: CLIENT_AUTH_FAILURE_WINDOW_MS });
  const registrations = new SlidingWindow({ limit: settings.rateLimitRegistrationsPerHour, windowMs: HOUR });
  const limited = new WeakMap<FastifyRequest, Limited>();

  fastify.addHook('onRequest', async (request, reply) => {
    const endpoint = ROUTES[`${request.method} ${request.routeOptions.url}`];
    if (endpoint === undefined) return;
    const address = proxies.callerIp(request);
    const now = clock.now();
    if (endpoint === 'register') {
      const keys = [`address:${address}`, ...initialAccessTokenKey(request)];
      const wait = Math.max(...keys.map((key) => registrations.retryAfterSeconds(key, now)));
      if (wait > 0) return sendTooManyRequests(reply, wait);
      for (const key of keys) registrations.record(key, now);
      return;
    }
    const locked = CLIENT_AUTHENTICATED.has(endpoint) ? failures.retryAfterSeconds(`address:${address}`, now) : 0;
    const wait = locked > 0 ? locked : requests.take(`${endpoint}:address:${address}`, now);
    if (wait > 0) return sendTooManyRequests(reply, wait);
    limited.set(request, { endpoint, address });
  });

  fastify.addHook('preHandler', async (request, reply) => {
    const state = limited.get(request);
    if (state === undefined || !CLIENT_AUTHENTICATED.has(state.endpoint)) return;
    const clientId = claimedClientId(request);
    if (clientId === undefined) return;
    state.clientId = clientId;
    const now = clock.now();
    const wait = requests.retryAfterSeconds(`${state.endpoint}:client:${clientId}`, now);
    if (wait > 0) {
      limited.delete(request); // refused here: neither a success nor a failed authentication
      return sendTooManyRequests(reply, wait);
    }
  });

  fastify.addHook('onResponse', async (request, reply) => {
    const state = limited.get(request);
    if (state === undefined || !CLIENT_AUTHENTICATED.has(state.endpoint)) return;
    const now = clock.now();
    if (reply.statusCode === 401) {
      failures.record(`address:${state.address}`, now);
      const wait = failures.retryAfterSeconds(`address:${state.address}`, now);
      if (wait > 0) logger.warn(`failed client authentications from ${state.address} (last naming client ${JSON.stringify(state.clientId ?? null)}): refused for ${wait} s`);
    } else if (reply.statusCode < 400 && state.clientId !== undefined) {
      requests.record(`${state.endpoint}:client:${state.clientId}`, now);
    }
  });
}

/** The key of the initial access token a registration presents (RFC 7591 §3), if any. */
function initialAccessTokenKey(request: FastifyRequest): string[] {
  const match = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match === null ? [] : [`token:${createHash('sha256').update(match[1]!).digest('base64url')}`];
}
