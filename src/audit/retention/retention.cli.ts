import type { Command } from 'commander';

/** `meshid audit retention`. */
export function registerAuditRetentionCommand(_audit: Command): void {}
