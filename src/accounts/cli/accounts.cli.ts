import type { Command } from 'commander';
import { AdminApiError } from '../../admin/api/admin-api.js';
import { adminCommand } from '../../admin/cli/admin-command.js';
import { type AdminFlags, type AdminSession, withAdminApi } from '../../admin/cli/admin-session.js';
import { text } from '../../admin/cli/arguments.js';
import { printJson, write } from '../../admin/cli/print.js';

type Flags = AdminFlags & { json?: boolean; yes?: boolean };

/** `meshid accounts forget`: a person's right to erasure, offline or with --url. */
export function registerAccountCommands(program: Command, session: AdminSession = withAdminApi): void {
  const accounts = program.command('accounts').description("people's accounts and personal data");

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
