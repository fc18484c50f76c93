import type { Command } from 'commander';
import { registerAuditExportCommand } from '../export/export.cli.js';
import { registerAuditReplayCommands } from '../replay/replay.cli.js';
import { registerAuditRetentionCommand } from '../retention/retention.cli.js';
import { registerAuditVerifyCommand } from '../seal/verify.cli.js';

/** `meshid audit ...`: the log as evidence: export, replay, point in time, verify, retention. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the event log as evidence: export, replay, state at a moment, verify, retention');
  registerAuditExportCommand(audit);
  registerAuditReplayCommands(audit);
  registerAuditVerifyCommand(audit);
  registerAuditRetentionCommand(audit);
}
