import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { EVENT_STORE, type EventStore, formatPosition } from '#event-store';
import { AdminApiError } from '../../admin/api/admin-api.js';
import { identifier, text } from '../../admin/cli/arguments.js';
import { EXIT } from '../../admin/cli/exit-codes.js';
import { printJson, write } from '../../admin/cli/print.js';
import { withOfflineApplication } from '../../cli/offline-application.js';
import { type ConfigFlags, load, withConfigFlags } from '../../cli/program.js';
import { readModelDatabasePath } from '../../storage/event-store.factory.js';
import { type AtTarget, defaultAtFileName, parseAtTarget } from './at-target.js';
import { materialiseAt, OutputExistsError, resolveMoment } from './point-in-time.js';
import { readStateAt } from './point-in-time-state.js';
import { compareWithLive, replayVerdict } from './replay-comparison.js';
import { replayText, stateText } from './replay-output.js';
import { freshProjections } from './replay-projections.js';
import { requireExistingDataDirectory } from '../cli/existing-data-directory.js';

type ReplayFlags = ConfigFlags & { projection?: string; json?: boolean };
type AtFlags = ConfigFlags & { out?: string; force?: boolean; json?: boolean };

/** `meshid audit replay` and `meshid audit at`: the read models as the log alone makes them. */
export function registerAuditReplayCommands(audit: Command): void {
  withConfigFlags(audit.command('replay').description('rebuild the read models from the log and check that they equal the live ones'))
    .option('--projection <name>', 'only this read model (default: every one)', identifier('projection name'))
    .option('--json', 'print machine-readable JSON')
    .addHelpText(
      'after',
      '\nEach read model is rebuilt into a scratch database up to the position its live copy has reached, then\n' +
        'compared table by table. Exit 0 when all are equal, 6 when one differs (its tables and first rows are named).\n' +
        "A reactor's tables also hold what its reactions did, which a replay never runs: their differences are shown, not counted.",
    )
    .action((flags: ReplayFlags) => replay(flags));

  withConfigFlags(
    audit
      .command('at')
      .description('materialise the state at a moment into a separate database and show clients, keys, grants and sign-ins then')
      .argument('<time|position>', 'an ISO-8601 time with a zone, or a log position <commit>/<prepare>', parseAtTarget),
  )
    .option('--out <file>', 'the database to write (default: ./meshid-at-<time|position>.db)', text('a file path', 4096))
    .option('--force', 'replace the --out file if it exists')
    .option('--json', 'print machine-readable JSON')
    .addHelpText(
      'after',
      '\nA time stands for the state after every event recorded at or before it; a time before the first event\n' +
        'gives the empty state. Grants are live when issued, not revoked and their refresh token not expired then.',
    )
    .action((target: AtTarget, flags: AtFlags) => at(target, flags));
}

async function replay(flags: ReplayFlags): Promise<void> {
  const loaded = load(flags);
  requireExistingDataDirectory(loaded.config);
  await withOfflineApplication(loaded, async (app) => {
    const projections = await freshProjections(app);
    const selected = flags.projection === undefined ? projections : projections.filter((projection) => projection.name === flags.projection);
    if (selected.length === 0) {
      const names = projections.map((projection) => projection.name).join(', ');
      throw new AdminApiError('invalid_request', `unknown projection "${flags.projection}" for --projection: expected one of ${names}`);
    }
    const results = await compareWithLive(app.get<EventStore>(EVENT_STORE), selected, readModelDatabasePath(loaded.config));
    const equal = replayVerdict(results);
    if (flags.json) printJson({ equal, projections: results });
    else write(replayText(results));
    process.exitCode = equal ? EXIT.ok : EXIT.evidence;
  });
}

async function at(target: AtTarget, flags: AtFlags): Promise<void> {
  const path = resolve(process.cwd(), flags.out ?? defaultAtFileName(target));
  // Checked again when the file is created (exclusively); this only spares opening the store.
  if (!flags.force && existsSync(path)) throw usage(`${path} exists: choose another --out or give --force to replace it`);
  const loaded = load(flags);
  requireExistingDataDirectory(loaded.config);
  await withOfflineApplication(loaded, async (app) => {
    const store = app.get<EventStore>(EVENT_STORE);
    const moment = await resolveMoment(store, target);
    try {
      await materialiseAt(store, await freshProjections(app), path, moment.position, flags.force === true);
    } catch (error) {
      throw error instanceof OutputExistsError ? usage(error.message) : error;
    }
    const db = new Database(path, { readonly: true });
    let state;
    try {
      state = readStateAt(db, moment.at);
    } finally {
      db.close();
    }
    const position = moment.position === null ? null : formatPosition(moment.position);
    const when = moment.at === null ? null : moment.at.toISOString();
    if (flags.json) return printJson({ position, at: when, file: path, ...state });
    const header = position === null ? `state before the first event (empty), written to ${path}` : `state at ${position} (${when}), written to ${path}`;
    write(stateText(state, header));
  });
}

const usage = (message: string): AdminApiError => new AdminApiError('invalid_request', message);
