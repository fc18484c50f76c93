import type { FastifyInstance } from 'fastify';

/** One year: long enough that a browser never falls back to plain HTTP between visits. */
const HSTS = 'max-age=31536000';

/**
 * HTTP Strict Transport Security (RFC 6797) on every answer when the issuer is https, whether
 * meshid terminates TLS itself (MESHID_TLS=tailscale) or sits behind a proxy that does: the
 * browser only heeds it over https, and the issuer says that is how people reach meshid. No
 * includeSubDomains: meshid does not own the issuer's sibling hosts. Nothing on an http issuer,
 * where it would be ignored and misleading.
 */
export function installTransportSecurity(fastify: FastifyInstance, issuer: string): void {
  if (new URL(issuer).protocol !== 'https:') return;
  fastify.addHook('onSend', async (_request, reply, payload) => {
    reply.header('strict-transport-security', HSTS);
    return payload;
  });
}
