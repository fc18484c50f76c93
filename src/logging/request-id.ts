import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a request id comes in on (from a proxy or a caller) and goes back out on. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * An incoming id is kept only if it is a short token of safe characters: it is written into
 * every log line of the request and echoed in a response header, so anything else (a long
 * value, spaces, quotes, control characters) could forge or flood log lines. Those get a fresh id.
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function isSafeRequestId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value);
}

/** Fastify's `genReqId`: the caller's X-Request-Id if safe (one header, not a repeated one), else a random UUID. */
export function requestIdFor(request: Pick<IncomingMessage, 'headers'>): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return isSafeRequestId(given) ? given : randomUUID();
}
