import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type Position } from '#event-store';
import { CreateClientCommand } from '../clients/commands/create-client.command.js';
import type { CommandContext } from '../common/event-sourcing/aggregate-stream.js';
import { ImportSigningKeyCommand } from '../keys/commands/import-signing-key.command.js';
import { SigningKeysQuery } from '../keys/read-model/signing-keys.query.js';
import { ProjectionsService } from '../storage/projections.service.js';
import { ClientDirectory } from '../clients/read-model/client-directory.js';
import { checkImport } from './import-conflicts.js';
import { readTsidpDirectory, type TsidpState } from './read-tsidp-directory.js';
import type { ClientMappingOptions } from './tsidp-client.js';
import { CLIENTS_FILE } from './tsidp-clients-file.js';
import { TsidpImportError } from './tsidp-import.errors.js';
import { KEY_FILE } from './tsidp-key-file.js';

/** What an import did; never a secret. */
export interface TsidpImportReport {
  directory: string;
  /** null: no key file. */
  key: { kid: string; alg: string; status: 'imported' | 'already-present'; retired: string[] } | null;
  /** null: no clients file. */
  clients: { imported: string[]; alreadyPresent: string[]; notes: Record<string, string[]> } | null;
  absent: string[];
}

/**
 * `meshid import-tsidp DIR`: validates both files and checks every id against meshid first, so
 * a refusal writes nothing (and what an earlier run already imported is skipped, so a run that
 * failed half-way is completed by running it again); then the key (so tokens carry tsidp's kid at once), then each client,
 * each through its ordinary command and gate. Waits until the read models show the import.
 */
export async function importTsidp(app: INestApplicationContext, dir: string, options: ClientMappingOptions, context: CommandContext): Promise<TsidpImportReport> {
  const state = readTsidpDirectory(dir, options);
  const check = await checkImport(app.get<EventStore>(EVENT_STORE), app.get(SigningKeysQuery), app.get(ClientDirectory), state);
  if (check.problems.length > 0) throw new TsidpImportError(check.problems);
  const commands = app.get(CommandBus);
  const positions: Position[] = [];
  const written: string[] = [];
  const report: TsidpImportReport = { directory: dir, key: null, clients: null, absent: absentFiles(state) };
  try {
    if (state.key !== undefined) {
      const outcome = await commands.execute(new ImportSigningKeyCommand(state.key, context));
      if (outcome.position) positions.push(outcome.position);
      const retired = outcome.appended.filter((event) => event.type === 'SigningKeyRetired').map((event) => event.data.kid);
      report.key = { kid: state.key.kid, alg: state.key.alg, status: outcome.appended.length > 0 ? 'imported' : 'already-present', retired };
      if (outcome.appended.length > 0) written.push(`key ${state.key.kid}`);
    }
    if (state.clients !== undefined) {
      report.clients = { imported: [], alreadyPresent: [...check.alreadyPresent], notes: {} };
      for (const client of state.clients) {
        if (check.alreadyPresent.has(client.clientId)) continue;
        const result = await commands.execute(new CreateClientCommand(client.metadata, context, client.clientId, client.clientSecret));
        positions.push(result.position);
        report.clients.imported.push(client.clientId);
        if (client.notes.length > 0) report.clients.notes[client.clientId] = client.notes;
        written.push(`client ${client.clientId}`);
      }
    }
  } catch (error) {
    throw new TsidpImportError([(error as Error).message], written);
  }
  const last = positions.at(-1);
  if (last !== undefined) await app.get(ProjectionsService).waitFor(last, 10_000);
  return report;
}

function absentFiles(state: TsidpState): string[] {
  return [...(state.key === undefined ? [KEY_FILE] : []), ...(state.clients === undefined ? [CLIENTS_FILE] : [])];
}
