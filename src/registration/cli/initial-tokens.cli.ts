import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type Command, InvalidArgumentError } from 'commander';
import { withOfflineApplication } from '../../cli/offline-application.js';
import { type ConfigFlags, load, withConfigFlags } from '../../cli/program.js';
import { cliContext } from '../../clients/cli/clients.cli.js';
import { IssueInitialAccessTokenCommand } from '../commands/issue-initial-access-token.command.js';
import { RevokeInitialAccessTokenCommand } from '../commands/revoke-initial-access-token.command.js';
import {
  MAX_INITIAL_TOKEN_DESCRIPTION_LENGTH,
  MAX_INITIAL_TOKEN_LIFETIME_MS,
  MAX_INITIAL_TOKEN_USES,
  MIN_INITIAL_TOKEN_LIFETIME_MS,
} from '../domain/initial-access-token.js';
import { InitialAccessTokenError } from '../domain/initial-access-token.errors.js';

type Flags = ConfigFlags & { json?: boolean; uses?: number; expiresIn?: number; description?: string };

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DEFAULT_LIFETIME_MS = UNIT_MS.d;

/** `--uses`: a whole number of registrations, 1 to 1000. */
export function parseUses(value: string): number {
  if (!/^[0-9]{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_INITIAL_TOKEN_USES) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_INITIAL_TOKEN_USES}`);
  }
  return Number(value);
}

/** `--expires-in`: a number and a unit (m, h or d), e.g. 30m, 12h, 7d; from 1 minute to 90 days. */
export function parseDuration(value: string): number {
  const match = /^([1-9][0-9]{0,5})([mhd])$/.exec(value);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : NaN;
  if (!(ms >= MIN_INITIAL_TOKEN_LIFETIME_MS && ms <= MAX_INITIAL_TOKEN_LIFETIME_MS)) {
    throw new InvalidArgumentError('expected a duration such as 30m, 12h or 7d, from 1m to 90d');
  }
  return ms;
}

/** `--description`: a short note, printable on one line. */
export function parseDescription(value: string): string {
  if (value.trim() === '' || value.length > MAX_INITIAL_TOKEN_DESCRIPTION_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidArgumentError(`expected 1 to ${MAX_INITIAL_TOKEN_DESCRIPTION_LENGTH} characters on one line, without control characters`);
  }
  return value;
}

const write = (text: string): void => void process.stdout.write(text);

/** Runs `work` on the data directory; a refusal is one line on stderr and exit code 1. */
async function run(flags: Flags, work: (app: INestApplicationContext) => Promise<void>): Promise<void> {
  try {
    await withOfflineApplication(load(flags), work);
  } catch (error) {
    if (!(error instanceof InitialAccessTokenError)) throw error;
    process.stderr.write(`meshid: ${error.message}\n`);
    process.exitCode = 1;
  }
}

/**
 * `meshid clients initial-token create|revoke`: the initial access tokens (RFC 7591 §3) that let
 * a relying party register itself at POST /register. Registered under `meshid clients`, which
 * registerClientCommands creates first.
 */
export function registerInitialTokenCommands(program: Command): void {
  const clients = program.commands.find((command) => command.name() === 'clients') ?? program.command('clients');
  const tokens = clients.command('initial-token').description('initial access tokens: let a relying party register itself (RFC 7591)');

  withConfigFlags(tokens.command('create').description('create a token that authorizes client registrations; prints it this once'))
    .option('--uses <n>', `how many clients it may register (1-${MAX_INITIAL_TOKEN_USES}, default 1)`, parseUses)
    .option('--expires-in <duration>', 'how long it is valid: 30m, 12h, 7d... (default 1d, at most 90d)', parseDuration)
    .option('--description <text>', 'what or whom it is for (kept in the log)', parseDescription)
    .option('--json', 'print machine-readable JSON')
    .action((flags: Flags) =>
      run(flags, async (app) => {
        const options = { maxUses: flags.uses ?? 1, lifetimeMs: flags.expiresIn ?? DEFAULT_LIFETIME_MS, ...(flags.description ? { description: flags.description } : {}) };
        const result = await app.get(CommandBus).execute(new IssueInitialAccessTokenCommand(options, cliContext()));
        const expiresAt = new Date(result.expiresAt).toISOString();
        if (flags.json) {
          const json = { token_id: result.tokenId, token: result.token, max_uses: result.maxUses, expires_at: expiresAt, ...(result.description ? { description: result.description } : {}) };
          return write(`${JSON.stringify(json, null, 2)}\n`);
        }
        write(`created initial access token ${result.tokenId}: ${result.maxUses} registration${result.maxUses === 1 ? '' : 's'}, until ${expiresAt}\n`);
        write(`token: ${result.token}\n(shown this once: meshid keeps only a hash of it; send it as "Authorization: Bearer <token>" to POST /register)\n`);
      }),
    );

  withConfigFlags(tokens.command('revoke <token-id>').description('revoke a token: it registers no more clients (those it registered stay)'))
    .option('--json', 'print machine-readable JSON')
    .action((tokenId: string, flags: Flags) =>
      run(flags, async (app) => {
        const result = await app.get(CommandBus).execute(new RevokeInitialAccessTokenCommand(tokenId, cliContext()));
        if (flags.json) return write(`${JSON.stringify({ token_id: tokenId, revoked: true, already_revoked: !result.revoked }, null, 2)}\n`);
        write(result.revoked ? `revoked initial access token ${tokenId}\n` : `initial access token ${tokenId} was already revoked\n`);
      }),
    );
}
