/**
 * JWS compact serialization (RFC 7515 §7.1) of the JWTs meshid signs and reads back: its own
 * access tokens, ID tokens as `id_token_hint`, and nothing foreign. Signing and verifying go
 * straight to node:crypto (see key-material.ts): a token costs about a quarter of what the
 * WebCrypto path of a general JOSE library costs, which is most of a token request.
 *
 * Parsing is strict because a token is untrusted input: three base64url segments, JSON objects
 * for header and payload, no `crit` (RFC 7515 §4.1.11: we understand no extension), and a size
 * bound. Which key and alg may verify is decided by the caller's key set, never by the header
 * alone (RFC 8725 §3.1).
 */

/** Our own tokens are a few hundred bytes; anything near this is not one of them. */
export const MAX_COMPACT_JWS_LENGTH = 16 * 1024;

export interface JoseHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [name: string]: unknown;
}

export type JwtPayload = Record<string, unknown>;

export interface ParsedJws {
  header: JoseHeader;
  payload: JwtPayload;
  /** `base64url(header) '.' base64url(payload)`: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/** The signing input of a JWT with this header and payload. */
export function jwsSigningInput(header: JoseHeader, payload: JwtPayload): string {
  return `${encodeSegment(header)}.${encodeSegment(payload)}`;
}

/** The parts of a well-formed compact JWS with JSON object header and payload, or null. */
export function parseCompactJws(token: string): ParsedJws | null {
  if (token.length > MAX_COMPACT_JWS_LENGTH) return null;
  const segments = token.split('.');
  if (segments.length !== 3 || !segments.every((segment) => SEGMENT.test(segment))) return null;
  const [headerSegment, payloadSegment, signatureSegment] = segments as [string, string, string];
  const header = decodeObject(headerSegment);
  const payload = decodeObject(payloadSegment);
  if (header === null || payload === null) return null;
  if (typeof header.alg !== 'string' || 'crit' in header) return null;
  if (header.kid !== undefined && typeof header.kid !== 'string') return null;
  if (header.typ !== undefined && typeof header.typ !== 'string') return null;
  const signature = Buffer.from(signatureSegment, 'base64url');
  if (signature.length === 0) return null;
  return { header: header as JoseHeader, payload, signingInput: `${headerSegment}.${payloadSegment}`, signature };
}

function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeObject(segment: string): Record<string, unknown> | null {
  if (segment === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
