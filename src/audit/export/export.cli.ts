import { comparePositions, formatPosition } from '#event-store';
import type { Command } from 'commander';
import { AdminApiError } from '../../admin/api/admin-api.js';
import { type AdminFlags, onlineTarget } from '../../admin/cli/admin-session.js';
import { note } from '../../admin/cli/print.js';
import { load, withConfigFlags, withOnlineFlags } from '../../cli/program.js';
import { EXPORT_FORMATS, parseExportQuery, type RawExportQuery } from './export-filter.js';
import { fetchExport } from './export-online.js';
import { writeExport } from './export-output.js';
import { resumePoint } from './export-resume.js';
import { requireExistingDataDirectory } from '../cli/existing-data-directory.js';

type Flags = AdminFlags & {
  from?: string;
  to?: string;
  after?: string;
  until?: string;
  type?: string[];
  category?: string[];
  subject?: string;
  client?: string;
  limit?: string;
  format?: string;
  output?: string;
  resume?: boolean;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

const HELP = `
Records (every format): position, created_at, stream, revision, type, id, data, metadata.
CSV adds actor (metadata.actor) and writes data and metadata as JSON text; a cell that starts
with = + - @ tab or CR is written with a leading ' so that spreadsheets show it instead of running it.

To continue an interrupted export, pass the last position received as --after, or use --resume
with --output FILE (NDJSON): it reads FILE's last complete line, drops a torn one, and appends.

Acts on the data directory, or with --url on a running meshid (its GET /api/v1/audit/events).`;

/** `meshid audit export`: the log, filtered, as NDJSON, JSON or CSV, to stdout or a file, offline or with --url. */
export function registerAuditExportCommand(audit: Command): void {
  withOnlineFlags(withConfigFlags(audit.command('export').description('export the event log (NDJSON, JSON or CSV), filtered, in constant memory')))
    .option('--format <format>', `${EXPORT_FORMATS.join(', ')} (default ndjson)`)
    .option('--from <instant>', 'events created at or after this ISO-8601 instant (2025-01-31 or 2025-01-31T12:00:00Z)')
    .option('--to <instant>', 'events created before this instant')
    .option('--after <position>', 'events after this position ("<commit>/<prepare>"): the last one received')
    .option('--until <position>', 'events up to this position, inclusive')
    .option('--type <type>', 'only this event type (repeat, or comma-separate)', collect)
    .option('--category <category>', 'only streams of this category: client, grant, audit... (repeat, or comma-separate)', collect)
    .option('--subject <sub>', "events naming this subject, and its grants' events")
    .option('--client <id>', "events naming this client, its client stream, and its grants' events")
    .option('--limit <n>', 'at most n records')
    .option('-o, --output <file>', 'write to this file (default: standard output)')
    .option('--resume', 'with --output and NDJSON: continue after the last complete record of the file, appending')
    .addHelpText('after', HELP)
    .action((flags: Flags) => runExport(flags));
}

async function runExport(flags: Flags): Promise<void> {
  const query = queryOf(flags);
  // Everything is checked before anything is opened, sent or written.
  const { format } = parseExportQuery(query, (field) => `--${field}`);
  const online = onlineTarget(flags, process.env);
  if (flags.resume) {
    if (flags.output === undefined) throw usage('--resume needs --output FILE: the file to continue');
    if (format !== 'ndjson') throw usage('--resume works on NDJSON only (a JSON array or a CSV file cannot be appended to)');
    if (flags.after !== undefined) throw usage('give either --resume or --after: --resume takes the position from the file');
    const after = await resumePoint(flags.output);
    const { until } = parseExportQuery(query).filter;
    if (after !== undefined && until !== undefined && comparePositions(after, until) >= 0) {
      note(`nothing to resume: ${flags.output} already reaches --until ${flags.until}`);
      return;
    }
    if (after !== undefined) {
      query['after'] = formatPosition(after);
      note(`resuming after position ${query['after']}`);
    }
  }
  const output = flags.output === undefined ? undefined : { path: flags.output, append: flags.resume === true };
  if (online) return writeExport(await fetchExport(online, query), output);
  const request = parseExportQuery(query, (field) => `--${field}`);
  // Loaded on demand, as the other admin commands do: the application modules are only needed offline.
  const [{ withOfflineApplication }, { AuditExport }] = await Promise.all([import('../../cli/offline-application.js'), import('./audit-export.service.js')]);
  const loaded = load(flags);
  requireExistingDataDirectory(loaded.config);
  await withOfflineApplication(loaded, (app) => writeExport(app.get(AuditExport).chunks(request), output));
}

/** The flags as the endpoint's query: one validator and one meaning for both. */
function queryOf(flags: Flags): RawExportQuery {
  const { format, from, to, after, until, type, category, subject, client, limit } = flags;
  const query: RawExportQuery = { format, from, to, after, until, type, category, subject, client, limit };
  for (const key of Object.keys(query)) if (query[key] === undefined) delete query[key];
  return query;
}

const usage = (description: string) => new AdminApiError('invalid_request', description);
