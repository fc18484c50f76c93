import { hashPassword, passwordPolicyViolation } from '../credentials/password-hash.js';
import { type PasskeyCredential, passkeyCredentialViolation } from '../credentials/passkey-credential.js';
import { PASSKEY_ADDED, PASSWORD_SET, type PasskeyAdded } from '../domain/account.events.js';
import { InvalidAccountInputError } from '../domain/account.errors.js';
import type { StoredPasskey } from '../domain/account.evolver.js';
import type { AccountEvent } from './account-stream.js';

/** The first credentials a setup or bootstrap link sets: a password, a passkey, or both; at least one. */
export interface FirstCredentials {
  password?: string;
  passkey?: PasskeyCredential;
}

export function passkeyAddedEvent(credential: PasskeyCredential, existing: readonly StoredPasskey[], now: number): AccountEvent {
  const violation = passkeyCredentialViolation(credential);
  if (violation !== null) throw new InvalidAccountInputError('passkey', violation);
  if (existing.some((p) => p.credentialId === credential.credentialId)) throw new InvalidAccountInputError('passkey', 'this passkey is already registered');
  const data: PasskeyAdded = {
    credentialId: credential.credentialId,
    publicKey: credential.publicKey,
    counter: credential.counter,
    transports: [...credential.transports],
    name: credential.name.trim(),
    addedAt: now,
  };
  return { type: PASSKEY_ADDED, data };
}

/** Checks the password policy before anything is decided (hashing is the slow part, done after). */
export function checkFirstCredentials(credentials: FirstCredentials): void {
  if (credentials.password === undefined && credentials.passkey === undefined) throw new InvalidAccountInputError('credentials', 'set a password or a passkey');
  if (credentials.password !== undefined) {
    const violation = passwordPolicyViolation(credentials.password);
    if (violation !== null) throw new InvalidAccountInputError('password', violation);
  }
  if (credentials.passkey !== undefined) {
    const violation = passkeyCredentialViolation(credentials.passkey);
    if (violation !== null) throw new InvalidAccountInputError('passkey', violation);
  }
}

export async function firstCredentialEvents(credentials: FirstCredentials, now: number): Promise<AccountEvent[]> {
  checkFirstCredentials(credentials);
  const events: AccountEvent[] = [];
  if (credentials.password !== undefined) events.push({ type: PASSWORD_SET, data: { hash: await hashPassword(credentials.password) } });
  if (credentials.passkey !== undefined) events.push(passkeyAddedEvent(credentials.passkey, [], now));
  return events;
}
