import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportedSigningKey } from '../keys/domain/key-import.js';
import type { ClientMappingOptions, ImportableClient } from './tsidp-client.js';
import { CLIENTS_FILE, parseTsidpClientsFile } from './tsidp-clients-file.js';
import { TsidpImportError } from './tsidp-import.errors.js';
import { KEY_FILE, parseTsidpKeyFile } from './tsidp-key-file.js';

/** What a tsidp state directory holds, fully validated; `undefined` for a file that is not there. */
export interface TsidpState {
  dir: string;
  key: ImportedSigningKey | undefined;
  clients: ImportableClient[] | undefined;
}

/** The file's text, undefined if it does not exist, or a problem naming it. */
function readOptional(dir: string, file: string, problems: string[]): string | undefined {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problems.push(`${file}: cannot be read (${code ?? (error as Error).message})`);
    return undefined;
  }
}

/**
 * Reads and validates both files of a tsidp `-dir` before anything is written, so that a bad
 * file refuses the whole import: `TsidpImportError` with every problem found. Either file may be
 * absent (a tsidp that never had Funnel clients has no clients file); both absent is an error.
 */
export function readTsidpDirectory(dir: string, options: ClientMappingOptions): TsidpState {
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new TsidpImportError([`${dir}: no such directory`]);
  }
  if (!isDirectory) throw new TsidpImportError([`${dir}: is not a directory`]);
  const problems: string[] = [];
  const keyText = readOptional(dir, KEY_FILE, problems);
  const clientsText = readOptional(dir, CLIENTS_FILE, problems);
  if (problems.length === 0 && keyText === undefined && clientsText === undefined) {
    throw new TsidpImportError([`${dir}: has neither ${KEY_FILE} nor ${CLIENTS_FILE}; is it tsidp's state directory (its -dir)?`]);
  }
  const key = keyText === undefined ? undefined : parseTsidpKeyFile(keyText);
  const clients = clientsText === undefined ? undefined : parseTsidpClientsFile(clientsText, options);
  for (const parsed of [key, clients]) if (parsed && 'problems' in parsed) problems.push(...parsed.problems);
  if (problems.length > 0) throw new TsidpImportError(problems);
  return {
    dir,
    key: key && 'key' in key ? key.key : undefined,
    clients: clients && 'clients' in clients ? clients.clients : undefined,
  };
}
