import type { AccountView } from '../../accounts/read-model/account-view.js';
import type { AdminAccount } from '../api/admin-api.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** How the admin API shows an account: its profile and which credentials exist, never their material. */
export function accountView(account: AccountView): AdminAccount {
  return {
    account_id: account.accountId,
    subject: account.subject,
    login: account.login,
    name: account.name,
    email: account.email,
    email_verified: account.emailVerified,
    groups: account.groups,
    admin: account.admin,
    disabled: account.disabled,
    has_password: account.hasPassword,
    has_totp: account.hasTotp,
    passkeys: account.passkeys.map((passkey) => ({ id: passkey.credentialId, name: passkey.name, added_at: iso(passkey.addedAt) })),
    created_at: iso(account.createdAt),
    last_sign_in_at: account.lastSignInAt === null ? null : iso(account.lastSignInAt),
    revision: Number(account.revision),
  };
}
