import { randomBytes } from 'node:crypto';

/** Setup links live 72 hours; bootstrap links 24 hours. */
export const SETUP_LINK_TTL_MS = 72 * 3_600_000;
export const BOOTSTRAP_LINK_TTL_MS = 24 * 3_600_000;

/** A bootstrap token's prefix; account tokens start with the account id (22 characters), never `b`. */
const BOOTSTRAP_PREFIX = 'b';
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const ACCOUNT_ID = /^[A-Za-z0-9_-]{16,64}$/;

export type ParsedSetupToken = { kind: 'bootstrap'; token: string } | { kind: 'account'; accountId: string; token: string };

/**
 * The secret of a setup link: `<accountId>.<32 random bytes>` for an account's link (the id says
 * which stream to check, the whole token is what its digest covers), `b.<32 random bytes>` for a
 * bootstrap link. Only the digest (SecretHasher) is ever stored.
 */
export function newAccountSetupToken(accountId: string): string {
  return `${accountId}.${randomBytes(32).toString('base64url')}`;
}

export function newBootstrapToken(): string {
  return `${BOOTSTRAP_PREFIX}.${randomBytes(32).toString('base64url')}`;
}

/** The token's kind and account, or null when it is not one meshid makes. */
export function parseSetupToken(token: unknown): ParsedSetupToken | null {
  if (typeof token !== 'string' || token.length > 128) return null;
  const [head, secret, ...rest] = token.split('.');
  if (rest.length > 0 || secret === undefined || !SECRET.test(secret)) return null;
  if (head === BOOTSTRAP_PREFIX) return { kind: 'bootstrap', token };
  return ACCOUNT_ID.test(head!) ? { kind: 'account', accountId: head!, token } : null;
}
