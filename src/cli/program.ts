import { Command, InvalidArgumentError, Option } from 'commander';
import { EventStoreError, EventStoreUnavailableError } from '#event-store';
import { ProjectionError } from '#projections';
import { registerAccountCommands } from '../accounts/cli/accounts.cli.js';
import { parseBaseUrl } from '../admin/cli/arguments.js';
import { EXIT, EXIT_CODES_HELP, reportAdminError } from '../admin/cli/exit-codes.js';
import { registerGrantCommands } from '../admin/cli/grants.cli.js';
import { registerWhoamiCommand } from '../admin/cli/whoami.cli.js';
import { registerAuditCommands } from '../audit/cli/audit.cli.js';
import { registerClientCommands } from '../clients/cli/clients.cli.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { EXPECTED_FORM, MeshidConfig } from '../config/meshid-config.js';
import { printableConfig } from '../config/secret-settings.js';
import { registerKeyCommands } from '../keys/cli/keys.cli.js';
import { registerInitialTokenCommands } from '../registration/cli/initial-tokens.cli.js';
import { startServer } from '../server.js';
import { registerImportTsidpCommand } from '../tsidp-import/import-tsidp.cli.js';

export interface ConfigFlags {
  config?: string;
  issuer?: string;
  host?: string;
  port?: number;
  dataDir?: string;
}

const port = (value: string): number => {
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError(EXPECTED_FORM.port);
  return Number(value);
};

/** The flags every command that reads the configuration accepts. */
export function withConfigFlags(command: Command): Command {
  return command
    .option('-c, --config <file>', 'configuration file (default: ./meshid.yaml if present)')
    .option('--issuer <url>', 'issuer URL (MESHID_ISSUER)')
    .option('--host <address>', 'address to listen on (MESHID_HOST)')
    .addOption(new Option('--port <port>', 'port to listen on (MESHID_PORT)').argParser(port))
    .option('--data-dir <dir>', 'data directory (MESHID_DATA_DIR)');
}

/**
 * The flags that send an admin command to a running instance (see admin-session.ts). Secrets are
 * better given in the environment: command lines are visible to other local users.
 */
export function withOnlineFlags(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', 'act on the meshid running at this base URL instead of the data directory (MESHID_URL)').argParser(parseBaseUrl))
    .option('--token <token>', 'with --url: an access token with scope meshid:admin (MESHID_ADMIN_TOKEN)')
    .option('--admin-client-id <id>', 'with --url: get the token as this client, by client_credentials (MESHID_ADMIN_CLIENT_ID)')
    .option('--admin-client-secret <secret>', "with --url: that client's secret (MESHID_ADMIN_CLIENT_SECRET)");
}

export function load(flags: ConfigFlags) {
  return loadConfig({
    env: process.env,
    cwd: process.cwd(),
    ...(flags.config ? { configFile: flags.config } : {}),
    overrides: { issuer: flags.issuer, host: flags.host, port: flags.port, dataDir: flags.dataDir },
  });
}

export function buildProgram(): Command {
  const program = new Command('meshid')
    .description('OpenID Connect / OAuth 2 identity provider for tailnets, whose state is an event log')
    .showHelpAfterError('(run meshid --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);

  withConfigFlags(program.command('serve').description('run the identity provider (npm start runs this)')).action(
    async (flags: ConfigFlags) => {
      await startServer(load(flags), { handleSignals: true });
    },
  );

  withConfigFlags(program.command('config').description('check the configuration and print it (secrets are never printed)'))
    .option('--json', 'print machine-readable JSON')
    .action((flags: ConfigFlags & { json?: boolean }) => {
      const { config: loaded, file, warnings } = load(flags);
      const config = printableConfig(loaded);
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ file: file ?? null, config }, null, 2)}\n`);
        return;
      }
      if (file) process.stdout.write(`# from ${file} and the environment\n`);
      for (const key of Object.keys(EXPECTED_FORM) as Array<keyof MeshidConfig>) {
        const value = config[key];
        if (value !== undefined) process.stdout.write(`${key}: ${Array.isArray(value) ? value.join(',') : String(value)}\n`);
      }
    });

  registerClientCommands(program);
  registerInitialTokenCommands(program);
  registerKeyCommands(program);
  registerGrantCommands(program);
  registerAccountCommands(program);
  registerWhoamiCommand(program);
  registerAuditCommands(program);
  registerImportTsidpCommand(program);
  return program;
}

/**
 * Errors an operator can act on from their message alone: bad configuration, an edited migration,
 * a store that cannot be opened or reached. They are printed without a stack trace.
 */
function isOperatorError(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof ProjectionError || error instanceof EventStoreError;
}

/**
 * Runs the command line: exit code 1 with the message on stderr for usage and operator errors
 * (5 when storage cannot be used: a read-only, full or corrupt file, a store out of reach);
 * a refused or failed admin call gets the exit code of its error code (EXIT_CODES_HELP).
 */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (reportAdminError(error)) return;
    if (!isOperatorError(error)) throw error;
    process.stderr.write(`meshid: ${error.message}\n`);
    process.exit(error instanceof EventStoreUnavailableError ? EXIT.unavailable : EXIT.usage);
  }
}
