import type { Command } from 'commander';
import { adminCommand } from './admin-command.js';
import { type AdminFlags, type AdminSession, withAdminApi } from './admin-session.js';
import { printJson, write } from './print.js';

/** `meshid whoami`: who the admin commands act as (offline: `cli:<os user>`), as recorded in the log. */
export function registerWhoamiCommand(program: Command, session: AdminSession = withAdminApi): void {
  adminCommand(program, 'whoami', 'who admin commands act as, here or at --url').action((flags: AdminFlags & { json?: boolean }) =>
    session(flags, async (api) => {
      const principal = await api.whoami();
      if (flags.json) return printJson(principal);
      write(`${principal.name} (${principal.kind}, recorded as ${principal.actor})\n`);
    }),
  );
}
