import type { Identity } from '../policy/identity.js';
import type { AccountView } from './read-model/account-view.js';

/** What an administrator's account may do, as tsidp capability rules (policy evaluates them like any others). */
const ADMINISTRATOR_RULES = Object.freeze([Object.freeze({ allow_admin_ui: true, allow_dcr: true })]);

/**
 * A local account as an identity. `preferred_username` is the login, which account creation
 * keeps to Headscale's username rule (relying-parties §1.1). The email is verified only when
 * an administrator said so: meshid sends no mail.
 */
export function identityOfAccount(account: AccountView): Identity {
  return {
    source: 'account',
    subject: account.subject,
    login: account.login,
    claims: {
      name: account.name,
      preferred_username: account.login,
      groups: [...account.groups],
      ...(account.email !== null ? { email: account.email, email_verified: account.emailVerified } : {}),
    },
    capabilities: account.admin ? (ADMINISTRATOR_RULES as unknown[]) : [],
  };
}
