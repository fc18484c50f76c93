import type { FastifyReply } from 'fastify';

/**
 * The answer of a rate-limited OAuth endpoint: 429 (RFC 6585) with Retry-After in seconds, and
 * the endpoints' own error shape with no-store. RFC 6749 has no rate-limit error code;
 * `temporarily_unavailable` (RFC 6749 §4.1.2.1) says "try again later", which is exactly it, and
 * clients that do not know it still see 429 and Retry-After. Not `slow_down`: that one belongs to
 * device-flow polling (RFC 8628 §3.5) and tells a client to lengthen an interval it does not have.
 */
export async function sendTooManyRequests(reply: FastifyReply, retryAfterSeconds: number): Promise<FastifyReply> {
  return reply
    .status(429)
    .headers({ 'retry-after': String(retryAfterSeconds), 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json' })
    .send({ error: 'temporarily_unavailable', error_description: `too many requests; retry after ${retryAfterSeconds} seconds` });
}
