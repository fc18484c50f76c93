import type { SecretHasher } from '../../crypto/secret-hasher.js';

/** Purpose of the MAC that turns a short code into its approval's id (see approvalStream). */
const CODE_PURPOSE = 'approval code';
const APPROVAL_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * The approval id of a canonical code: a MAC under a key of its own, so the log (and a stolen
 * copy of it) says nothing about the codes, and an id is never a stored secret's digest.
 */
export function approvalIdOf(hasher: SecretHasher, code: string): string {
  return hasher.mac(CODE_PURPOSE, code);
}

export function isApprovalId(value: unknown): value is string {
  return typeof value === 'string' && APPROVAL_ID.test(value);
}
