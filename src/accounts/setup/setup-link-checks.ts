import type { SecretHasher } from '../../crypto/secret-hasher.js';
import type { LiveAccount } from '../domain/account.evolver.js';
import type { BootstrapState } from '../domain/bootstrap.evolver.js';

/** Whether `token` is the account's current setup link: its digest (constant time), not expired, not used. */
export function isCurrentSetupLink(account: LiveAccount, token: string, hasher: SecretHasher, now: number): boolean {
  const link = account.setupLink;
  return link !== null && now <= link.expiresAt && hasher.matches(token, link.digest);
}

/** Whether `token` is one of the bootstrap links issued since the last completion, not expired. */
export function isOpenBootstrapLink(state: BootstrapState, token: string, hasher: SecretHasher, now: number): boolean {
  let open = false;
  // Every link is compared (no early exit), so timing does not tell which one matched.
  for (const link of state.links) if (hasher.matches(token, link.digest) && now <= link.expiresAt) open = true;
  return open;
}
