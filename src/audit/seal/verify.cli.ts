import type { Command } from 'commander';

/** `meshid audit verify`. */
export function registerAuditVerifyCommand(_audit: Command): void {}
