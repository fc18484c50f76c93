import { createHash, timingSafeEqual } from 'node:crypto';

export type PkceMethod = 'S256' | 'plain';

/** RFC 7636 §4.1: 43-128 characters of the unreserved set; challenges use the same form. */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function isWellFormedPkceValue(value: string): boolean {
  return PKCE_VALUE.test(value);
}

/** Whether `verifier` answers `challenge` under `method` (RFC 7636 §4.6), in constant time. */
export function verifyPkce(method: PkceMethod, challenge: string, verifier: string): boolean {
  if (!isWellFormedPkceValue(verifier)) return false;
  const derived = method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  const a = Buffer.from(derived, 'ascii');
  const b = Buffer.from(challenge, 'ascii');
  return a.length === b.length && timingSafeEqual(a, b);
}
