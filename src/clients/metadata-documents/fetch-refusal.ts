/**
 * Why a metadata-document fetch failed, worded to be shown to whoever sent the client id: it names
 * what went wrong (a status, a limit, an error code) but never an address meshid resolved, a
 * server's error text or a stack trace. Everything the fetcher throws on purpose is one of these;
 * anything else is a bug and is reported without its message.
 */
export class FetchRefusal extends Error {
  override readonly name = 'FetchRefusal';
}

/** TLS verification failures (OpenSSL's codes as Node reports them, and Node's own). */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  EPROTO: 'the TLS handshake failed',
};

/**
 * A safe reason for a socket, TLS or HTTP-parser error. Node's messages carry the address it
 * connected to ("connect ECONNREFUSED 10.1.2.3:443"), so only the error code is kept.
 */
export function networkFailure(error: unknown): FetchRefusal {
  if (error instanceof FetchRefusal) return error;
  const code = errorCode(error);
  if (code === undefined) return new FetchRefusal('the request failed');
  if (CERTIFICATE_CODES.has(code)) return new FetchRefusal(`the server's TLS certificate is not trusted (${code})`);
  if (code.startsWith('ERR_SSL_')) return new FetchRefusal(`the TLS handshake failed (${code})`);
  if (code.startsWith('HPE_')) return new FetchRefusal(`the server's answer is not valid HTTP (${code})`);
  return new FetchRefusal(`${NETWORK_REASONS[code] ?? 'the request failed'} (${code})`);
}

/** The error's `code` (ECONNREFUSED, ENOTFOUND...) if it has a well-formed one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
}
