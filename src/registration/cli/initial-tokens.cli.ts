import { type Command, InvalidArgumentError } from 'commander';
import { adminCommand } from '../../admin/cli/admin-command.js';
import { type AdminFlags, type AdminSession, withAdminApi } from '../../admin/cli/admin-session.js';
import { identifier } from '../../admin/cli/arguments.js';
import { printJson, SHOWN_ONCE, write } from '../../admin/cli/print.js';
import {
  MAX_INITIAL_TOKEN_DESCRIPTION_LENGTH,
  MAX_INITIAL_TOKEN_LIFETIME_MS,
  MAX_INITIAL_TOKEN_USES,
  MIN_INITIAL_TOKEN_LIFETIME_MS,
} from '../domain/initial-access-token.js';

type Flags = AdminFlags & { json?: boolean; uses?: number; expiresIn?: number; description?: string };

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

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

/**
 * `meshid clients initial-token create|revoke`: the initial access tokens (RFC 7591 §3) that let
 * a relying party register itself at POST /register. Registered under `meshid clients`, which
 * registerClientCommands creates first. Offline or with --url.
 */
export function registerInitialTokenCommands(program: Command, session: AdminSession = withAdminApi): void {
  const clients = program.commands.find((command) => command.name() === 'clients') ?? program.command('clients');
  const tokens = clients.command('initial-token').description('initial access tokens: let a relying party register itself (RFC 7591)');

  adminCommand(tokens, 'create', 'create a token that authorizes client registrations; prints it this once')
    .option('--uses <n>', `how many clients it may register (1-${MAX_INITIAL_TOKEN_USES}, default 1)`, parseUses)
    .option('--expires-in <duration>', 'how long it is valid: 30m, 12h, 7d... (default 1d, at most 90d)', parseDuration)
    .option('--description <text>', 'what or whom it is for (kept in the log)', parseDescription)
    .action((flags: Flags) =>
      session(flags, async (api) => {
        const issued = await api.createInitialAccessToken({
          ...(flags.uses !== undefined ? { uses: flags.uses } : {}),
          ...(flags.expiresIn !== undefined ? { expires_in: flags.expiresIn / 1000 } : {}),
          ...(flags.description ? { description: flags.description } : {}),
        });
        if (flags.json) return printJson(issued);
        const uses = `${issued.max_uses} registration${issued.max_uses === 1 ? '' : 's'}`;
        write(`created initial access token ${issued.token_id}: ${uses}, until ${issued.expires_at}\n`);
        write(`token: ${issued.token}\n${SHOWN_ONCE}\nsend it as "Authorization: Bearer <token>" to POST /register\n`);
      }),
    );

  adminCommand(tokens, 'revoke', 'revoke a token: it registers no more clients (those it registered stay)')
    .argument('<token-id>', 'the token id that create printed', identifier('token id'))
    .action((tokenId: string, flags: Flags) =>
      session(flags, async (api) => {
        const result = await api.revokeInitialAccessToken(tokenId);
        if (flags.json) return printJson(result);
        write(result.already_revoked ? `initial access token ${tokenId} was already revoked\n` : `revoked initial access token ${tokenId}\n`);
      }),
    );
}
