import type { Command } from 'commander';
import type { GrantView } from '../api/admin-api.js';
import { adminCommand } from './admin-command.js';
import { type AdminFlags, type AdminSession, withAdminApi } from './admin-session.js';
import { identifier, parseLimit, text } from './arguments.js';
import { nextPageHint, readPages } from './pages.js';
import { note, printJson, write } from './print.js';

type Flags = AdminFlags & { json?: boolean; subject?: string; clientId?: string; active?: boolean; limit?: number; cursor?: string };

const subjectFlag = text('a subject (the sub claim)', 1024);

/** active, revoked or expired (the refresh token can no longer be used). */
export function grantState(grant: GrantView, now = Date.now()): string {
  if (grant.revoked_at) return 'revoked';
  if (grant.refresh_expires_at && Date.parse(grant.refresh_expires_at) <= now) return 'expired';
  return 'active';
}

/** One line per grant: id, state, client, who (login, else subject), last use, scopes. */
export function printGrants(grants: GrantView[]): void {
  if (grants.length === 0) return write('no grants\n');
  for (const grant of grants) {
    const who = grant.login ?? grant.subject;
    write(`${grant.grant_id}  ${grantState(grant).padEnd(7)}  ${grant.client_id}  ${who}  last used ${grant.last_used_at}  ${grant.scope.join(' ')}\n`);
  }
}

/** `meshid grants list|revoke|revoke-all`: what people and clients were granted, and taking it back. */
export function registerGrantCommands(program: Command, session: AdminSession = withAdminApi): void {
  const grants = program.command('grants').description('grants (a sign-in or client_credentials consent and its refresh tokens): list and revoke them');

  adminCommand(grants, 'list', 'list grants, one per line')
    .option('--subject <sub>', 'only the grants of this subject', subjectFlag)
    .option('--client-id <id>', 'only the grants of this client', identifier('client id'))
    .option('--active', 'only grants neither revoked nor expired')
    .option('--limit <n>', 'one page of at most n grants (default: every grant)', parseLimit)
    .option('--cursor <cursor>', 'the page after the one that gave this next_cursor', identifier('cursor'))
    .action((flags: Flags) =>
      session(flags, async (api) => {
        const filter = { ...(flags.subject ? { subject: flags.subject } : {}), ...(flags.clientId ? { client_id: flags.clientId } : {}), ...(flags.active ? { active: true } : {}) };
        const page = await readPages(flags, (limit, cursor) => api.listGrants({ ...filter, limit, ...(cursor ? { cursor } : {}) }));
        if (flags.json) return printJson(page);
        printGrants(page.items);
        const hint = nextPageHint(page);
        if (hint) note(hint);
      }),
    );

  adminCommand(grants, 'revoke', 'revoke a grant: its refresh tokens stop working at once')
    .argument('<grant-id>', 'the grant, as grants list shows it', identifier('grant id'))
    .action((grantId: string, flags: Flags) =>
      session(flags, async (api) => {
        const grant = await api.revokeGrant(grantId);
        if (flags.json) return printJson(grant);
        write(`revoked grant ${grant.grant_id} of ${grant.login ?? grant.subject} for client ${grant.client_id} (${grant.revoked_at ?? 'now'})\n`);
      }),
    );

  adminCommand(grants, 'revoke-all', 'revoke every grant of a subject (a person who left, a lost device)')
    .requiredOption('--subject <sub>', 'whose grants to revoke', subjectFlag)
    .action((flags: Flags & { subject: string }) =>
      session(flags, async (api) => {
        const result = await api.revokeSubjectGrants(flags.subject);
        if (flags.json) return printJson(result);
        const count = result.revoked.length;
        write(`revoked ${count} grant${count === 1 ? '' : 's'} of ${flags.subject}${count === 0 ? ' (none was active)' : ''}\n`);
        for (const grantId of result.revoked) write(`${grantId}\n`);
      }),
    );
}
