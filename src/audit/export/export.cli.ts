import type { Command } from 'commander';

/** `meshid audit export`. */
export function registerAuditExportCommand(_audit: Command): void {}
