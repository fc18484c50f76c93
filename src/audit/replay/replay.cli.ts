import type { Command } from 'commander';

/** `meshid audit replay` and `meshid audit at`. */
export function registerAuditReplayCommands(_audit: Command): void {}
