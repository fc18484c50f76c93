import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether an Authorization header carries the metrics token (MESHID_METRICS_TOKEN). Compared as
 * SHA-256 digests in constant time, so neither the token's content nor its length leaks through
 * timing. With no token configured every caller passes (Funnel callers never get this far).
 */
export function metricsAccessAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  if (match === null) return false;
  return timingSafeEqual(digest(match[1]!), digest(token));
}
