import { accountSubject } from '../domain/account.events.js';
import type { LiveAccount } from '../domain/account.evolver.js';
import type { AccountView } from './account-view.js';

/** An account as the log has it now, in the read model's shape (for callers that cannot wait for the projection). */
export function viewOfAccount(account: LiveAccount, revision: bigint): AccountView {
  return {
    accountId: account.accountId,
    subject: accountSubject(account.accountId),
    login: account.login ?? '',
    name: account.name,
    email: account.email,
    emailVerified: account.emailVerified,
    groups: [...account.groups],
    admin: account.admin,
    disabled: account.disabled,
    hasPassword: account.passwordHash !== null,
    hasTotp: account.totpSecret !== null,
    passkeys: account.passkeys.map(({ credentialId, name, addedAt }) => ({ credentialId, name, addedAt })),
    createdAt: account.createdAt,
    lastSignInAt: account.lastSignInAt,
    revision: String(revision),
  };
}
