import type { Command } from 'commander';
import { withOfflineApplication } from '../cli/offline-application.js';
import { type ConfigFlags, load, withConfigFlags } from '../cli/program.js';
import { cliContext } from '../clients/cli/clients.cli.js';
import { importTsidp, type TsidpImportReport } from './import-tsidp.js';
import { TsidpImportError } from './tsidp-import.errors.js';

type Flags = ConfigFlags & { json?: boolean; allowInsecureHttp?: boolean };

const write = (text: string): void => void process.stdout.write(text);

/** The human summary: ids and kids only; secrets are never printed. */
function printReport(report: TsidpImportReport): void {
  write(`imported from ${report.directory}\n`);
  if (report.key?.status === 'imported') {
    write(`signing key: kid ${report.key.kid} (${report.key.alg}), published in JWKS and active now\n`);
    if (report.key.retired.length > 0) write(`  retired (stays in JWKS until its tokens expire): ${report.key.retired.join(', ')}\n`);
  } else if (report.key) write(`signing key: kid ${report.key.kid} was already imported; unchanged\n`);
  if (report.clients) {
    write(`clients: ${report.clients.imported.length} imported, with their ids and secrets (kept only as hashes, not shown)\n`);
    for (const clientId of report.clients.imported) {
      write(`  ${clientId}\n`);
      for (const note of report.clients.notes[clientId] ?? []) write(`    note: ${note}\n`);
    }
    if (report.clients.alreadyPresent.length > 0) {
      write(`clients already imported earlier, unchanged: ${report.clients.alreadyPresent.join(', ')}\n`);
    }
  }
  for (const file of report.absent) write(`absent: ${file} (nothing to import from it)\n`);
}

/** `meshid import-tsidp DIR` (DESIGN §9): take over a tsidp state directory's key and clients. */
export function registerImportTsidpCommand(program: Command): void {
  withConfigFlags(
    program
      .command('import-tsidp <dir>')
      .description("take over tsidp's signing key (same kid) and Funnel clients (same ids and secrets) from its state directory"),
  )
    .option('--allow-insecure-http', 'let clients keep plain-http redirect URIs to non-loopback hosts (sets allow_insecure_http_redirects on them)')
    .option('--json', 'print machine-readable JSON')
    .action(async (dir: string, flags: Flags) => {
      try {
        const options = { allowInsecureHttp: flags.allowInsecureHttp === true };
        const report = await withOfflineApplication(load(flags), (app) => importTsidp(app, dir, options, cliContext()));
        if (flags.json) write(`${JSON.stringify(report, null, 2)}\n`);
        else printReport(report);
      } catch (error) {
        if (!(error instanceof TsidpImportError)) throw error;
        for (const problem of error.problems) process.stderr.write(`meshid import-tsidp: ${problem}\n`);
        const written = error.written.length > 0 ? `imported before the failure: ${error.written.join(', ')}` : 'nothing was written';
        process.stderr.write(`meshid import-tsidp: ${written}\n`);
        if (flags.json) write(`${JSON.stringify({ errors: error.problems, written: error.written }, null, 2)}\n`);
        process.exitCode = 1;
      }
    });
}
