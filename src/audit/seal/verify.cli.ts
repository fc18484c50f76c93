import type { Command } from 'commander';
import { EXIT } from '../../admin/cli/exit-codes.js';
import { printJson, write } from '../../admin/cli/print.js';
import { type ConfigFlags, load, withConfigFlags } from '../../cli/program.js';
import { prepareDataDirectory } from '../../config/data-directory.js';
import type { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { createEventStore } from '../../storage/event-store.factory.js';
import { requireExistingDataDirectory } from '../cli/existing-data-directory.js';
import type { Discrepancy } from './range-check.js';
import { LogVerifier, type VerifyReport } from './log-verifier.js';
import { LOG_SEAL_KEY_PURPOSE } from './seal-format.js';

type Flags = ConfigFlags & { json?: boolean };

const HELP = `
Checks every seal of the log (stream log-seals) and every event they cover. Exit 0 when the log
matches its seals, 6 when it does not, naming the first bad $all position and why:
  edited      the event there is not the one sealed
  inserted    the event there was never sealed
  deleted     a sealed event is missing there (retention and erasure are accounted for)
  reordered   sealed events are out of their sealed order there
  seal_altered / seal_missing   a seal was changed or removed

The output ends with the head chain: the MAC of the last seal. Removing events or seals from the
end of the log cannot be detected from inside the log, so record the head chain somewhere else
(a ticket, another machine) and compare it later: it must still appear as a seal's chain.
Events after the last seal are counted as not sealed yet; a running meshid seals them shortly.`;

const EXPLAINED: Readonly<Record<Discrepancy, string>> = {
  edited: 'the event there is not the one sealed',
  inserted: 'the event there was never sealed',
  deleted: 'a sealed event is missing there',
  reordered: 'sealed events are out of their sealed order there',
  seal_altered: 'the seal does not match its chain',
  seal_missing: 'a seal is missing before this one',
};

/**
 * `meshid audit verify`: offline, read-only. It opens the store directly rather than through
 * withOfflineApplication: no projections to catch up, and no sealer that would seal the tail
 * while it is being verified.
 */
export function registerAuditVerifyCommand(audit: Command): void {
  withConfigFlags(audit.command('verify').description('check the log against its signed seals: find an edited, deleted, inserted or reordered event'))
    .option('--json', 'print the report as JSON')
    .addHelpText('after', HELP)
    .action(async (flags: Flags) => {
      const report = await verifyDataDirectory(load(flags).config, Date.now());
      if (flags.json) printJson(report);
      else printSummary(report);
      if (!report.ok) process.exitCode = EXIT.evidence;
    });
}

/** Verifies the log of the data directory `config` names, as of `now`. */
export async function verifyDataDirectory(config: MeshidConfig, now: number): Promise<VerifyReport> {
  requireExistingDataDirectory(config);
  const { secrets } = prepareDataDirectory(config.dataDir);
  const key = new SecretHasher(secrets).derivedKey(LOG_SEAL_KEY_PURPOSE);
  const store = await createEventStore(config);
  try {
    return await new LogVerifier(store, key, {
      now,
      retentionAuthorizationCodeDays: config.retentionAuthorizationCodeDays,
      retentionAuditDays: config.retentionAuditDays,
    }).verify();
  } finally {
    await store.close();
  }
}

function printSummary(report: VerifyReport): void {
  const removed = report.expired + report.erased > 0 ? ` (${report.expired} gone by retention, ${report.erased} by erasure)` : '';
  if (report.firstBad === null) {
    write(`ok: ${report.seals} seals cover ${report.sealedEvents} events${removed}; ${report.unsealedTail} events after the last seal not sealed yet\n`);
  } else {
    const bad = report.firstBad;
    const event = bad.stream !== undefined ? ` (stream ${bad.stream}, revision ${bad.revision})` : '';
    write(`TAMPERED: first bad position ${bad.position}${event}: ${bad.reason}: ${EXPLAINED[bad.reason]} (seal ${bad.seal})\n`);
    write(`before it: ${report.seals} seals cover ${report.sealedEvents} events that verify${removed}\n`);
  }
  const label = report.ok ? 'head' : 'last verified seal';
  if (report.head === null) write(`${label}: none\n`);
  else write(`${label}: seal ${report.head.sequence} through ${report.head.through}, chain ${report.head.chain}\n`);
  write('record the head chain elsewhere: truncating the end of the log cannot be detected from inside it\n');
}
