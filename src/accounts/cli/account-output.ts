import type { AccountSetupLink, AdminAccount, CreatedAccount } from '../../admin/api/admin-api.js';
import { write } from '../../admin/cli/print.js';

/** What the account has to sign in with, in words: "password, TOTP, 2 passkeys" or "no credentials". */
export function credentialsOf(account: AdminAccount): string {
  const passkeys = account.passkeys.length;
  const parts = [account.has_password ? 'password' : null, account.has_totp ? 'TOTP' : null, passkeys > 0 ? `${passkeys} passkey${passkeys === 1 ? '' : 's'}` : null];
  return parts.filter(Boolean).join(', ') || 'no credentials';
}

/** One line per account: id, login, flags, name. */
export function printAccountList(accounts: AdminAccount[]): void {
  if (accounts.length === 0) return write('no accounts\n');
  for (const account of accounts) {
    const flags = [account.admin ? 'admin' : null, account.disabled ? 'disabled' : null].filter(Boolean).join(',') || '-';
    write(`${account.account_id}  ${account.login}  ${flags}  ${account.name}\n`);
  }
}

/** An account in text: one `field: value` line per field; passkeys one per line, by id and name. */
export function printAccount(account: AdminAccount): void {
  for (const [key, value] of Object.entries(account)) {
    if (key === 'passkeys' || key === 'setup_link') continue;
    write(`${key}: ${Array.isArray(value) ? value.join(' ') : String(value)}\n`);
  }
  write(`credentials: ${credentialsOf(account)}\n`);
  for (const passkey of account.passkeys) write(`passkey: ${passkey.id}  ${passkey.name}  added ${passkey.added_at}\n`);
}

/** The setup link, with what to do with it: it sets credentials once, so it is as sensitive as a password. */
export function printSetupLink(link: AccountSetupLink, login: string): void {
  write(`setup link: ${link.url}\n`);
  write(`(valid until ${link.expires_at}, once; it replaces any earlier link. Give it to ${login} over a channel you trust:\n whoever opens it sets the password or passkey of the account)\n`);
}

export function printCreated(created: CreatedAccount): void {
  write(`created account ${created.login} (${created.name})\naccount_id: ${created.account_id}\nsubject: ${created.subject}\n`);
  printSetupLink(created.setup_link, created.login);
}
