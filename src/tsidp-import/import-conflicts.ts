import type { EventStore } from '#event-store';
import { clientStream } from '../clients/domain/client-id.js';
import { ClientAlreadyExistsError } from '../clients/domain/client.errors.js';
import type { ClientDirectory } from '../clients/read-model/client-directory.js';
import { samePublicKey, SigningKeyConflictError } from '../keys/domain/key-import.js';
import type { SigningKeysQuery } from '../keys/read-model/signing-keys.query.js';
import type { TsidpState } from './read-tsidp-directory.js';
import { CLIENTS_FILE } from './tsidp-clients-file.js';
import { KEY_FILE } from './tsidp-key-file.js';

/** Whether the stream exists: a client id is taken forever, even after its client was deleted. */
async function streamExists(store: EventStore, stream: string): Promise<boolean> {
  for await (const _event of store.readStream(stream, { maxCount: 1 })) return true;
  return false;
}

export interface ImportCheck {
  /** Ids meshid has for something else: the import is refused. */
  problems: string[];
  /** Clients an earlier import already brought in: skipped. */
  alreadyPresent: Set<string>;
}

/**
 * Every id the import would take that meshid already has, all reported at once before anything
 * is written. This is the friendly check; the commands' own gates (client streams created with
 * no_stream, the signing-keys stream appended at its loaded revision) still refuse an id taken
 * in between, so a concurrent writer can never make the import overwrite anything.
 *
 * What an earlier import of the same directory wrote is no conflict, so an import that failed
 * half-way (key and clients are separate streams, written one by one) is finished by running it
 * again: the very same key (kid and public key), and a live client of that id whose current
 * secret is the file's secret, are skipped. Any other use of the id is a conflict.
 */
export async function checkImport(store: EventStore, keys: SigningKeysQuery, directory: ClientDirectory, state: TsidpState): Promise<ImportCheck> {
  const problems: string[] = [];
  const alreadyPresent = new Set<string>();
  const key = state.key;
  if (key !== undefined) {
    const existing = keys.list().find((row) => row.kid === key.kid);
    if (existing !== undefined && !(existing.alg === key.alg && samePublicKey(existing.publicJwk, key.publicJwk))) problems.push(`${KEY_FILE}: ${new SigningKeyConflictError(key.kid).message}`);
  }
  for (const client of state.clients ?? []) {
    if (!(await streamExists(store, clientStream(client.clientId)))) continue;
    if (directory.find(client.clientId) !== undefined && directory.verifySecret(client.clientId, client.clientSecret)) {
      alreadyPresent.add(client.clientId);
      continue;
    }
    problems.push(`${CLIENTS_FILE}: client ${JSON.stringify(client.clientId)}: ${new ClientAlreadyExistsError(client.clientId).message}`);
  }
  return { problems, alreadyPresent };
}
