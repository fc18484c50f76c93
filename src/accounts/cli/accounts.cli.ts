import type { Command } from 'commander';
import { type AccountChanges, AdminApiError, type NewAccount } from '../../admin/api/admin-api.js';
import { adminCommand } from '../../admin/cli/admin-command.js';
import { type AdminFlags, type AdminSession, withAdminApi } from '../../admin/cli/admin-session.js';
import { identifier, parseLimit, parseRevision, text } from '../../admin/cli/arguments.js';
import { nextPageHint, readPages } from '../../admin/cli/pages.js';
import { note, printJson, write } from '../../admin/cli/print.js';
import { credentialsOf, printAccount, printAccountList, printCreated, printSetupLink } from './account-output.js';

type ProfileFlags = { login?: string; name?: string; email?: string; clearEmail?: boolean; emailVerified?: boolean; group?: string[]; clearGroups?: boolean; admin?: boolean };
type Flags = AdminFlags & ProfileFlags & { json?: boolean; yes?: boolean; reason?: string; limit?: number; cursor?: string; expectedRevision?: number };

const accountArgument = identifier('account id or login');
const groupFlag = text('a group name', 200);
const collect = (parse: (value: string) => string) => (value: string, previous: string[] = []) => [...previous, parse(value)];

/** Registers `<account>` on a command: an account id or a login name. */
const onAccount = (command: Command) => command.argument('<account>', 'the account: its id or its login', accountArgument);

/**
 * `meshid accounts create|list|show|update|disable|enable|setup-link|remove-*|delete|forget`:
 * local accounts, offline on the data directory or on a running instance with --url.
 */
export function registerAccountCommands(program: Command, session: AdminSession = withAdminApi): void {
  const accounts = program.command('accounts').description("local accounts (sign-in from outside the tailnet), and people's personal data");

  adminCommand(accounts, 'create', 'create an account; prints a one-time setup link for the person to set a password or passkey')
    .requiredOption('--login <login>', 'the login name: 2 to 64 characters, a letter first, letters, digits, - . _ and at most one @', text('a login name', 64))
    .requiredOption('--name <name>', 'the display name', text('a name', 200))
    .option('--email <email>', 'the email address', text('an email address', 320))
    .option('--email-verified', 'the email is known to belong to the person (the email_verified claim)')
    .option('--group <group>', 'a group (the groups claim); repeat for several', collect(groupFlag))
    .option('--admin', 'an administrator of meshid (admin UI, API and client registration)')
    .addHelpText('after', '\nOffline, the link is made with the configured issuer (--issuer, MESHID_ISSUER): set it to the public URL.')
    .action((flags: Flags) =>
      session(flags, async (api) => {
        const input: NewAccount = { login: flags.login!, name: flags.name!, ...(flags.email ? { email: flags.email } : {}), ...(flags.group ? { groups: flags.group } : {}) };
        if (flags.emailVerified) input.email_verified = true;
        if (flags.admin) input.admin = true;
        const created = await api.createAccount(input);
        if (flags.json) return printJson(created);
        printCreated(created);
      }),
    );

  adminCommand(accounts, 'list', 'list the accounts, one per line: id, login, admin/disabled, name')
    .option('--limit <n>', 'one page of at most n accounts (default: every account)', parseLimit)
    .option('--cursor <cursor>', 'the page after the one that gave this next_cursor', identifier('cursor'))
    .action((flags: Flags) =>
      session(flags, async (api) => {
        const page = await readPages(flags, (limit, cursor) => api.listAccounts({ limit, ...(cursor ? { cursor } : {}) }));
        if (flags.json) return printJson(page);
        printAccountList(page.items);
        const hint = nextPageHint(page);
        if (hint) note(hint);
      }),
    );

  onAccount(adminCommand(accounts, 'show', 'print an account: profile, state, which credentials it has (never the credentials)')).action((account: string, flags: Flags) =>
    session(flags, async (api) => {
      const shown = await api.getAccount(account);
      if (flags.json) return printJson(shown);
      printAccount(shown);
    }),
  );

  onAccount(adminCommand(accounts, 'update', 'change the given fields of an account'))
    .option('--name <name>', 'the display name', text('a name', 200))
    .option('--email <email>', 'the email address', text('an email address', 320))
    .option('--clear-email', 'remove the email address')
    .option('--email-verified', 'the email is known to belong to the person')
    .option('--no-email-verified', 'the email is not verified')
    .option('--group <group>', 'a group; repeat for several: the list replaces the current groups', collect(groupFlag))
    .option('--clear-groups', 'remove every group')
    .option('--admin', 'make it an administrator of meshid')
    .option('--no-admin', 'make it no longer an administrator')
    .option('--expected-revision <n>', 'refuse if the account is no longer at this revision (default: the revision read just before)', parseRevision)
    .action((account: string, flags: Flags) =>
      session(flags, async (api) => {
        const changes = changesFromFlags(flags);
        // Without an expected revision, the one just read: a change made by someone else in
        // between is still refused (precondition_failed) rather than silently overwritten.
        const revision = flags.expectedRevision ?? (await api.getAccount(account)).revision;
        const updated = await api.updateAccount(account, changes, revision);
        if (flags.json) return printJson(updated);
        write(`updated account ${updated.login}\n`);
        printAccount(updated);
      }),
    );

  onAccount(adminCommand(accounts, 'disable', 'refuse sign-in to an account and revoke its grants (its tokens stop working)'))
    .option('--reason <text>', 'why, for the record', text('a reason', 500))
    .action((account: string, flags: Flags) =>
      session(flags, async (api) => {
        const disabled = await api.disableAccount(account, flags.reason);
        if (flags.json) return printJson(disabled);
        write(`disabled account ${disabled.login}\n`);
      }),
    );

  onAccount(adminCommand(accounts, 'enable', 'allow sign-in to a disabled account again')).action((account: string, flags: Flags) =>
    session(flags, async (api) => {
      const enabled = await api.enableAccount(account);
      if (flags.json) return printJson(enabled);
      write(`enabled account ${enabled.login}\n`);
    }),
  );

  onAccount(adminCommand(accounts, 'setup-link', 'a new one-time link for the person to set (or reset) a password or passkey; the previous link stops working')).action(
    (account: string, flags: Flags) =>
      session(flags, async (api) => {
        const link = await api.issueSetupLink(account);
        if (flags.json) return printJson(link);
        printSetupLink(link, account);
      }),
  );

  onAccount(adminCommand(accounts, 'remove-passkey', 'remove one passkey of an account (see show for their ids)'))
    .argument('<credential-id>', 'the passkey id', identifier('passkey id'))
    .action((account: string, credentialId: string, flags: Flags) => session(flags, async (api) => done(flags, await api.removePasskey(account, credentialId), `removed passkey ${credentialId}`)));

  onAccount(adminCommand(accounts, 'remove-password', "remove an account's password")).action((account: string, flags: Flags) =>
    session(flags, async (api) => done(flags, await api.removePassword(account), 'removed the password')),
  );

  onAccount(adminCommand(accounts, 'remove-totp', "remove an account's TOTP authenticator")).action((account: string, flags: Flags) =>
    session(flags, async (api) => done(flags, await api.removeTotp(account), 'removed the TOTP authenticator')),
  );

  onAccount(adminCommand(accounts, 'delete', 'delete an account for good and revoke its grants (its login can be used again)'))
    .option('--yes', 'confirm: the account cannot be restored')
    .action((account: string, flags: Flags) => {
      if (!flags.yes) throw new AdminApiError('invalid_request', `deleting account ${account} cannot be undone: run again with --yes to confirm`);
      return session(flags, async (api) => {
        const deleted = await api.deleteAccount(account);
        if (flags.json) return printJson(deleted);
        const grants = `${deleted.grants_revoked.length} grant${deleted.grants_revoked.length === 1 ? '' : 's'} revoked`;
        write(`deleted account ${deleted.login} (${deleted.account_id}); ${grants}\n`);
      });
    });

  registerForget(accounts, session);
}

function done(flags: Flags, account: Parameters<typeof printAccount>[0], summary: string): void {
  if (flags.json) return printJson(account);
  write(`${summary} of account ${account.login} (left: ${credentialsOf(account)})\n`);
}

/** The flags of `update` as a change; refused before any call when nothing, or something contradictory, is asked. */
function changesFromFlags(flags: Flags): AccountChanges {
  if (flags.email !== undefined && flags.clearEmail) throw new AdminApiError('invalid_request', 'give --email or --clear-email, not both');
  if (flags.group !== undefined && flags.clearGroups) throw new AdminApiError('invalid_request', 'give --group or --clear-groups, not both');
  const changes: AccountChanges = {
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.email !== undefined ? { email: flags.email } : flags.clearEmail ? { email: null } : {}),
    ...(flags.emailVerified !== undefined ? { email_verified: flags.emailVerified } : {}),
    ...(flags.group !== undefined ? { groups: flags.group } : flags.clearGroups ? { groups: [] } : {}),
    ...(flags.admin !== undefined ? { admin: flags.admin } : {}),
  };
  if (Object.keys(changes).length === 0) throw new AdminApiError('invalid_request', 'nothing to change: give at least one field flag (see meshid accounts update --help)');
  return changes;
}

/** `meshid accounts forget`: a person's right to erasure, offline or with --url. */
function registerForget(accounts: Command, session: AdminSession): void {
  adminCommand(accounts, 'forget', "revoke a subject's grants and crypto-shred their personal data in the log (irreversible)")
    .argument('<subject>', 'the subject (the sub claim) to forget', text('a subject (the sub claim)', 512))
    .option('--yes', 'confirm: the personal data cannot be recovered afterwards')
    .addHelpText(
      'after',
      '\nThe events stay in the log (its seals still verify); their names, emails, pictures, groups and node\n' +
        'details read as {"$erased": "personal data erased"} in exports, replays and admin views from then on.',
    )
    .action((subject: string, flags: Flags) => {
      if (!flags.yes) throw new AdminApiError('invalid_request', `forgetting ${subject} cannot be undone: run again with --yes to confirm`);
      return session(flags, async (api) => {
        const result = await api.forgetSubject(subject);
        if (flags.json) return printJson(result);
        const grants = `${result.grants_revoked.length} grant${result.grants_revoked.length === 1 ? '' : 's'} revoked`;
        write(
          result.erased
            ? `forgot ${subject}: personal data key ${result.key_id} destroyed at ${result.erased_at}; ${grants}\n`
            : `nothing of ${subject} was sealed under a live key (never signed in, or already forgotten); ${grants}\n`,
        );
      });
    });
}
