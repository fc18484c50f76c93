import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { withOfflineApplication } from '../../cli/offline-application.js';
import { type ConfigFlags, load, withConfigFlags } from '../../cli/program.js';
import { CreateClientCommand } from '../commands/create-client.command.js';
import { DeleteClientCommand } from '../commands/delete-client.command.js';
import { RegenerateClientSecretCommand } from '../commands/regenerate-client-secret.command.js';
import { UpdateClientCommand } from '../commands/update-client.command.js';
import { ClientError, ClientNotFoundError } from '../domain/client.errors.js';
import { ClientDirectory } from '../read-model/client-directory.js';
import { type MetadataFlags, metadataFromFlags, withMetadataFlags } from './metadata-flags.js';
import { printClient, printClientList, printResult } from './output.js';

type Flags = ConfigFlags & MetadataFlags & { json?: boolean; public?: boolean; clientId?: string; expectedRevision?: bigint };

const revision = (value: string): bigint => {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(value)) throw new InvalidArgumentError('expected a revision number (0, 1, 2, ...)');
  return BigInt(value);
};

/** Who the CLI acts as, recorded in every event it appends: `cli:<os user>`. */
export function cliContext(): CommandContext {
  let user = 'unknown';
  try {
    user = userInfo().username || user;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return { actor: `cli:${user}`, correlationId: randomUUID() };
}

/** Runs `work` on the data directory; a refused client command is one line on stderr and exit code 1. */
async function run(flags: Flags, work: (app: INestApplicationContext) => Promise<void>): Promise<void> {
  try {
    await withOfflineApplication(load(flags), work);
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    process.stderr.write(`meshid: ${error.message}\n`);
    process.exitCode = 1;
  }
}

const command = (parent: Command, spec: string, description: string) =>
  withConfigFlags(parent.command(spec).description(description)).option('--json', 'print machine-readable JSON');

/** `meshid clients create|list|show|update|delete|rotate-secret` (DESIGN §9). */
export function registerClientCommands(program: Command): void {
  const clients = program.command('clients').description('register and manage OAuth / OIDC clients');

  withMetadataFlags(command(clients, 'create', 'register a client; prints its client_id and, this once, its client_secret'))
    .option('--public', 'a public client (token_endpoint_auth_method none): no secret, PKCE required')
    .option('--client-id <id>', 'use this client id instead of a random one (for imports)')
    .action((flags: Flags) =>
      run(flags, async (app) => {
        const input = metadataFromFlags(flags);
        if (flags.public) input.token_endpoint_auth_method = 'none';
        const result = await app.get(CommandBus).execute(new CreateClientCommand(input, cliContext(), flags.clientId));
        printResult(result, flags.json, `registered client "${result.metadata.client_name}"`);
      }),
    );

  command(clients, 'list', 'list the registered clients').action((flags: Flags) =>
    run(flags, async (app) => printClientList(app.get(ClientDirectory).list(), flags.json)),
  );

  command(clients, 'show <client-id>', "print a client's metadata (never its secret)").action((clientId: string, flags: Flags) =>
    run(flags, async (app) => {
      const client = app.get(ClientDirectory).find(clientId);
      if (client === undefined) throw new ClientNotFoundError(clientId);
      printClient(client, flags.json);
    }),
  );

  withMetadataFlags(command(clients, 'update <client-id>', 'change the given fields of a client (lists are replaced whole)'))
    .option('--expected-revision <n>', 'refuse if the client is no longer at this revision', revision)
    .action((clientId: string, flags: Flags) =>
      run(flags, async (app) => {
        const command = new UpdateClientCommand(clientId, metadataFromFlags(flags), cliContext(), flags.expectedRevision);
        const result = await app.get(CommandBus).execute(command);
        printResult(result, flags.json, `updated client "${result.metadata.client_name}"`);
      }),
    );

  command(clients, 'delete <client-id>', 'delete a client for good (its id is never reused)')
    .option('--expected-revision <n>', 'refuse if the client is no longer at this revision', revision)
    .action((clientId: string, flags: Flags) =>
      run(flags, async (app) => {
        const result = await app.get(CommandBus).execute(new DeleteClientCommand(clientId, cliContext(), flags.expectedRevision));
        printResult(result, flags.json, `deleted client ${clientId}`);
      }),
    );

  command(clients, 'rotate-secret <client-id>', 'replace the client secret (the old one stops working at once); prints the new one')
    .option('--expected-revision <n>', 'refuse if the client is no longer at this revision', revision)
    .action((clientId: string, flags: Flags) =>
      run(flags, async (app) => {
        const command = new RegenerateClientSecretCommand(clientId, cliContext(), flags.expectedRevision);
        const result = await app.get(CommandBus).execute(command);
        printResult(result, flags.json, `new secret for client ${clientId}`);
      }),
    );
}
