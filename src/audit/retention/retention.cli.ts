import type { Command } from 'commander';
import { withOfflineApplication } from '../../cli/offline-application.js';
import { type ConfigFlags, load, withConfigFlags } from '../../cli/program.js';
import { type RetentionReport, RetentionService } from './retention.service.js';
import { requireExistingDataDirectory } from '../cli/existing-data-directory.js';

const write = (text: string): void => void process.stdout.write(text);

function printReport(report: RetentionReport): void {
  const categories = Object.entries(report.streamsWithMaxAge);
  const total = categories.reduce((sum, [, streams]) => sum + streams, 0);
  const detail = categories.map(([category, streams]) => `${category} ${streams}`).join(', ');
  write(`streams with a max age: ${total}${detail ? ` (${detail})` : ''}\n`);
  write(`events removed past their age: ${report.removedEvents}\n`);
  if (report.logSummaryRebuilt) write('log summary rebuilt\n');
}

/**
 * `meshid audit retention`: applies retention now, offline, against the data directory. The same
 * thing the server does every hour, after making sure every retained stream has its max age.
 */
export function registerAuditRetentionCommand(audit: Command): void {
  withConfigFlags(
    audit
      .command('retention')
      .description(
        'apply retention now: give authorization-code and audit-day streams their max age, remove the events past it (embedded store), and rebuild the log summary',
      ),
  )
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: ConfigFlags & { json?: boolean }) => {
      const loaded = load(flags);
      requireExistingDataDirectory(loaded.config);
      const report = await withOfflineApplication(loaded, (app) => app.get(RetentionService).applyNow());
      if (flags.json) write(`${JSON.stringify(report, null, 2)}\n`);
      else printReport(report);
    });
}
