/** A verified WebAuthn credential, ready to be added to an account (base64url fields). */
export interface PasskeyCredential {
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  /** A name the person chose, e.g. "laptop" (1-64 characters). */
  name: string;
}

export const MAX_PASSKEY_NAME_LENGTH = 64;
/** Credential ids are at most 1023 bytes (WebAuthn §5.8.2): 1364 base64url characters. */
const CREDENTIAL_ID = /^[A-Za-z0-9_-]{16,1364}$/;

/** Why `credential` is not a well-formed PasskeyCredential, or null (for callers that built it themselves). */
export function passkeyCredentialViolation(credential: PasskeyCredential): string | null {
  if (typeof credential !== 'object' || credential === null) return 'must be an object';
  if (typeof credential.credentialId !== 'string' || !CREDENTIAL_ID.test(credential.credentialId)) return 'credentialId must be base64url';
  if (typeof credential.publicKey !== 'string' || !/^[A-Za-z0-9_-]{16,2048}$/.test(credential.publicKey)) return 'publicKey must be base64url';
  if (!Number.isSafeInteger(credential.counter) || credential.counter < 0) return 'counter must be a non-negative integer';
  if (!Array.isArray(credential.transports) || !credential.transports.every((t) => typeof t === 'string' && t.length <= 32)) return 'transports must be strings';
  return passkeyNameViolation(credential.name);
}

export function passkeyNameViolation(name: unknown): string | null {
  if (typeof name !== 'string' || name.trim().length === 0) return 'the passkey needs a name';
  if ([...name].length > MAX_PASSKEY_NAME_LENGTH) return `a passkey name is at most ${MAX_PASSKEY_NAME_LENGTH} characters`;
  // As for account names (validName): the name is stored in the log and shown on pages and in the admin API.
  if (/\p{Cc}/u.test(name)) return 'a passkey name must not contain control characters';
  return null;
}
