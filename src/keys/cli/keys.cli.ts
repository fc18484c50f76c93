import { randomUUID } from 'node:crypto';
import { type Command, Option } from 'commander';
import { CommandBus } from '@nestjs/cqrs';
import { type ConfigFlags, load, withConfigFlags } from '../../cli/program.js';
import { withOfflineApplication } from '../../cli/offline-application.js';
import { ProjectionsService } from '../../storage/projections.service.js';
import { RotateSigningKeysCommand } from '../commands/rotate-signing-keys.command.js';
import { SIGNING_ALGS, type SigningAlg } from '../domain/signing-keys.events.js';
import { type SigningKeyRow, SigningKeysQuery } from '../read-model/signing-keys.query.js';

type ListFlags = ConfigFlags & { json?: boolean };
type RotateFlags = ListFlags & { alg?: SigningAlg; now?: boolean };

/** What `keys list` prints per key: no key material, public or private. */
function summary(row: SigningKeyRow) {
  const { publicJwk: _jwk, ...rest } = row;
  return { ...rest, published: row.status !== 'retired' || (row.unpublishAfter !== null && Date.now() < Date.parse(row.unpublishAfter)) };
}

function printTable(rows: ReturnType<typeof summary>[]): void {
  if (rows.length === 0) {
    process.stdout.write('no signing keys yet (meshid serve generates them on first start)\n');
    return;
  }
  for (const row of rows) {
    const times = [`generated ${row.generatedAt}`];
    if (row.activatedAt) times.push(`active since ${row.activatedAt}`);
    else times.push(`activates after ${row.activateAfter}`);
    if (row.retiredAt) times.push(`retired ${row.retiredAt}`, `unpublished after ${row.unpublishAfter}`);
    const status = row.status === 'retired' && !row.published ? 'unpublished' : row.status;
    process.stdout.write(`${row.kid}  ${row.alg.padEnd(5)}  ${status.padEnd(11)}  ${times.join(', ')}\n`);
  }
}

/** `meshid keys list|rotate`. */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('signing keys: list them, rotate them');

  withConfigFlags(keys.command('list').description('list signing keys with their status and times'))
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: ListFlags) => {
      const rows = await withOfflineApplication(load(flags), async (app) => app.get(SigningKeysQuery).list().map(summary));
      if (flags.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else printTable(rows);
    });

  withConfigFlags(
    keys
      .command('rotate')
      .description('generate new keys now: published at once, signing after the pre-publication delay'),
  )
    .addOption(new Option('--alg <alg>', 'rotate only this algorithm').choices(SIGNING_ALGS))
    .option('--now', 'activate at once, skipping pre-publication (verifiers with a cached JWKS may reject new tokens)')
    .option('--json', 'print machine-readable JSON')
    .action(async (flags: RotateFlags) => {
      if (flags.now) process.stderr.write('warning: --now skips pre-publication: relying parties may reject tokens until they refetch JWKS\n');
      const rows = await withOfflineApplication(load(flags), async (app) => {
        const command = new RotateSigningKeysCommand(flags.alg ? [flags.alg] : SIGNING_ALGS, flags.now === true, {
          actor: 'cli',
          correlationId: randomUUID(),
        });
        const outcome = await app.get(CommandBus).execute(command);
        if (outcome.position) await app.get(ProjectionsService).waitFor(outcome.position, 10_000);
        const touched = new Set(outcome.appended.map((event) => event.data.kid));
        return app.get(SigningKeysQuery).list().filter((row) => touched.has(row.kid)).map(summary);
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else if (rows.length === 0) process.stdout.write('nothing to rotate: a rotation is already pending (see meshid keys list)\n');
      else printTable(rows);
    });
}
