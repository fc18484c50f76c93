import type { EventStore } from '#event-store';
import { clientStream } from '../clients/domain/client-id.js';
import { ClientAlreadyExistsError } from '../clients/domain/client.errors.js';
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

/**
 * Every id the import would take that meshid already has, all reported at once before anything
 * is written. This is the friendly check; the commands' own gates (client streams created with
 * no_stream, the signing-keys stream appended at its loaded revision) still refuse an id taken
 * in between, so a concurrent writer can never make the import overwrite anything. The very same
 * key (kid and public key) already there is no conflict: importing it again is a no-op.
 */
export async function findImportConflicts(store: EventStore, keys: SigningKeysQuery, state: TsidpState): Promise<string[]> {
  const problems: string[] = [];
  const key = state.key;
  if (key !== undefined) {
    const existing = keys.list().find((row) => row.kid === key.kid);
    if (existing !== undefined && !(existing.alg === key.alg && samePublicKey(existing.publicJwk, key.publicJwk))) problems.push(`${KEY_FILE}: ${new SigningKeyConflictError(key.kid).message}`);
  }
  for (const client of state.clients ?? []) {
    if (await streamExists(store, clientStream(client.clientId))) {
      problems.push(`${CLIENTS_FILE}: client ${JSON.stringify(client.clientId)}: ${new ClientAlreadyExistsError(client.clientId).message}`);
    }
  }
  return problems;
}
