import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { AdminApiError } from '../../admin/api/admin-api.js';
import { adminCommand } from '../../admin/cli/admin-command.js';
import { type AdminFlags, type AdminSession, withAdminApi } from '../../admin/cli/admin-session.js';
import { identifier, parseLimit, parseRevision, text } from '../../admin/cli/arguments.js';
import { osUser } from '../../admin/cli/cli-principal.js';
import { nextPageHint, readPages } from '../../admin/cli/pages.js';
import { note, printJson, write } from '../../admin/cli/print.js';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { type MetadataFlags, metadataFromFlags, withMetadataFlags } from './metadata-flags.js';
import { printActivity, printClient, printClientList, printResult } from './output.js';

type Flags = AdminFlags &
  MetadataFlags & { json?: boolean; public?: boolean; clientId?: string; expectedRevision?: number; search?: string; limit?: number; cursor?: string };

/** Who the CLI acts as when it runs commands directly (the import does): `cli:<os user>`. */
export function cliContext(): CommandContext {
  return { actor: `cli:${osUser()}`, correlationId: randomUUID() };
}

const clientIdArgument = identifier('client id');
const REVISION_HELP = 'refuse if the client is no longer at this revision';

/** `meshid clients create|list|show|update|delete|rotate-secret|activity` (DESIGN §9), offline or with --url. */
export function registerClientCommands(program: Command, session: AdminSession = withAdminApi): void {
  const clients = program.command('clients').description('register and manage OAuth / OIDC clients');

  withMetadataFlags(adminCommand(clients, 'create', 'register a client; prints its client_id and, this once, its client_secret'))
    .option('--public', 'a public client (token_endpoint_auth_method none): no secret, PKCE required')
    .option('--client-id <id>', 'use this client id instead of a random one (for imports)', clientIdArgument)
    .action((flags: Flags) =>
      session(flags, async (api) => {
        const input = { ...metadataFromFlags(flags), ...(flags.clientId ? { client_id: flags.clientId } : {}) };
        if (flags.public) input.token_endpoint_auth_method = 'none';
        const created = await api.createClient(input);
        if (flags.json) return printJson(created);
        printResult(created, `registered client "${created.client_name}"`);
      }),
    );

  adminCommand(clients, 'list', 'list the registered clients, one per line')
    .option('--search <text>', 'only clients whose id, name or a redirect URI contains this (any case)', text('a search text', 200))
    .option('--limit <n>', 'one page of at most n clients (default: every client)', parseLimit)
    .option('--cursor <cursor>', 'the page after the one that gave this next_cursor', identifier('cursor'))
    .action((flags: Flags) =>
      session(flags, async (api) => {
        const page = await readPages(flags, (limit, cursor) => api.listClients({ limit, ...(flags.search ? { q: flags.search } : {}), ...(cursor ? { cursor } : {}) }));
        if (flags.json) return printJson(page);
        printClientList(page.items);
        const hint = nextPageHint(page);
        if (hint) note(hint);
      }),
    );

  adminCommand(clients, 'show', "print a client's metadata (never its secret)")
    .argument('<client-id>', 'the client', clientIdArgument)
    .action((clientId: string, flags: Flags) =>
      session(flags, async (api) => {
        const client = await api.getClient(clientId);
        if (flags.json) return printJson(client);
        printClient(client);
      }),
    );

  withMetadataFlags(adminCommand(clients, 'update', 'change the given fields of a client (lists are replaced whole)'))
    .argument('<client-id>', 'the client', clientIdArgument)
    .option('--expected-revision <n>', `${REVISION_HELP} (default: the revision read just before)`, parseRevision)
    .action((clientId: string, flags: Flags) =>
      session(flags, async (api) => {
        const changes = metadataFromFlags(flags);
        if (Object.keys(changes).length === 0) throw new AdminApiError('invalid_request', 'nothing to change: give at least one field flag (see meshid clients update --help)');
        // Without an expected revision, the one just read: a change made by someone else in
        // between is still refused (precondition_failed) rather than silently overwritten.
        const revision = flags.expectedRevision ?? (await api.getClient(clientId)).revision;
        const updated = await api.updateClient(clientId, changes, revision);
        if (flags.json) return printJson(updated);
        printResult(updated, `updated client "${updated.client_name}"`);
      }),
    );

  adminCommand(clients, 'delete', 'delete a client for good (its id is never reused)')
    .argument('<client-id>', 'the client', clientIdArgument)
    .option('--expected-revision <n>', REVISION_HELP, parseRevision)
    .action((clientId: string, flags: Flags) =>
      session(flags, async (api) => {
        await api.deleteClient(clientId, flags.expectedRevision);
        // The API answers 204 without a body; --json still prints one object, for scripts.
        if (flags.json) return printJson({ client_id: clientId, deleted: true });
        write(`deleted client ${clientId}\n`);
      }),
    );

  adminCommand(clients, 'rotate-secret', 'replace the client secret (the old one stops working at once); prints the new one')
    .argument('<client-id>', 'the client', clientIdArgument)
    .option('--expected-revision <n>', REVISION_HELP, parseRevision)
    .action((clientId: string, flags: Flags) =>
      session(flags, async (api) => {
        const secret = await api.regenerateSecret(clientId, flags.expectedRevision);
        if (flags.json) return printJson(secret);
        printResult(secret, `new secret for client ${clientId}`);
      }),
    );

  adminCommand(clients, 'activity', 'what happened to a client, newest first: admin changes, grants issued and revoked')
    .argument('<client-id>', 'the client', clientIdArgument)
    .option('--limit <n>', 'at most n entries', parseLimit)
    .action((clientId: string, flags: Flags) =>
      session(flags, async (api) => {
        const activity = await api.clientActivity(clientId, flags.limit);
        if (flags.json) return printJson(activity);
        printActivity(activity.items);
      }),
    );
}
