import type { Command } from 'commander';
import { withConfigFlags, withOnlineFlags } from '../../cli/program.js';

/** An admin subcommand: the data-directory flags, the online flags and --json. */
export function adminCommand(parent: Command, name: string, description: string): Command {
  return withOnlineFlags(withConfigFlags(parent.command(name).description(description))).option('--json', "print the admin API's JSON");
}
