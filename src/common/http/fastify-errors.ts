import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Errors Fastify answers before Nest's filters can see them, given the same shape as
 * HttpErrorFilter's: `{error, error_description}` JSON with `no-store`.
 */
const NO_STORE_JSON = { 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json' };

/** The router's own refusals: a path with broken percent-encoding, an over-long parameter. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  reply.status(status).headers(NO_STORE_JSON).send({ error: 'invalid_request', error_description: error.message });
}

/**
 * Requests Node's HTTP parser rejects (request line and headers over 16 KiB, malformed HTTP):
 * no request object exists, so the answer is written to the socket, which is then closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const description = status === 431 ? 'the request line and headers are too large' : 'the request is not valid HTTP';
  const body = JSON.stringify({ error: 'invalid_request', error_description: description });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json',
    'Cache-Control: no-store',
    'Pragma: no-cache',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/**
 * No endpoint takes a compressed body: one sent with a Content-Encoding would otherwise be
 * parsed as if it were plain and refused for a misleading reason.
 */
export function refuseEncodedBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined || encoding.trim().toLowerCase() === 'identity') return;
    await reply.status(415).headers(NO_STORE_JSON).send({
      error: 'invalid_request',
      error_description: `Content-Encoding ${JSON.stringify(encoding)} is not accepted; send the body uncompressed`,
    });
  });
}
