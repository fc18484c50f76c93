import type { KeyObject } from 'node:crypto';
import { jwkThumbprint, publicJwkOf } from './key-material.js';
import { decisionEvents, type NewKeyMaterial, pendingKey, type RotationPolicy, unpublishAfter } from './rotation-policy.js';
import type { PublicJwk, SigningAlg, SigningKeyEvent } from './signing-keys.events.js';
import type { SigningKeysState } from './signing-keys.evolver.js';

/** A kid that can be a JWS header value, a JWKS member and KEK context as is (tsidp's are decimal uint64). */
const IMPORTED_KID = /^[A-Za-z0-9._~-]{1,128}$/;

/** Fewer bits than this is not a key meshid signs with (tsidp's are 2048). */
const MIN_RSA_BITS = 2048;

/** A key taken over from another issuer, keeping the kid its relying parties have cached. */
export interface ImportedSigningKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  privateKey: KeyObject;
}

export class InvalidImportedKeyError extends Error {
  override readonly name = 'InvalidImportedKeyError';
}

/** The kid is taken by a different key: importing would make one kid name two keys. */
export class SigningKeyConflictError extends Error {
  override readonly name = 'SigningKeyConflictError';
  constructor(readonly kid: string) {
    super(`kid "${kid}" is already a different signing key in meshid`);
  }
}

/**
 * Checks a private key for import and derives its public JWK, under its own kid (not the RFC 7638
 * thumbprint meshid gives its own keys). Only RSA (RS256) of 2048 bits or more: that is what
 * tsidp has, and what every relying party verifies.
 */
export function importableKey(kid: string, privateKey: KeyObject): ImportedSigningKey {
  if (!IMPORTED_KID.test(kid)) throw new InvalidImportedKeyError(`kid ${JSON.stringify(kid)}: expected 1-128 characters of A-Z a-z 0-9 . _ ~ -`);
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new InvalidImportedKeyError(`expected an RSA private key, got ${privateKey.type} ${privateKey.asymmetricKeyType ?? 'key'}`);
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new InvalidImportedKeyError(`RSA key of ${bits} bits: at least ${MIN_RSA_BITS} are required`);
  return { kid, alg: 'RS256', publicJwk: { ...publicJwkOf(privateKey, 'RS256'), kid }, privateKey };
}

/** Whether two JWKs hold the same public key (their RFC 7638 thumbprints are equal). */
export function samePublicKey(a: PublicJwk, b: PublicJwk): boolean {
  return a.kty === b.kty && jwkThumbprint(a) === jwkThumbprint(b);
}

/**
 * The events that import `material` as the active key of `alg` now: published and activated at
 * once (its relying parties already know it, so pre-publication has nothing to wait for), the
 * active key of `alg` retired, and a pending one too (it would otherwise activate over the
 * import). Its rotation age counts from now. Empty if this very key is already there (a re-run
 * is a no-op); `SigningKeyConflictError` if the kid is another key's.
 */
export function importKeyEvents(
  state: SigningKeysState,
  alg: SigningAlg,
  material: NewKeyMaterial,
  now: number,
  policy: RotationPolicy,
): SigningKeyEvent[] {
  const existing = state.keys[material.kid];
  if (existing !== undefined) {
    if (existing.alg === alg && samePublicKey(existing.publicJwk, material.publicJwk)) return [];
    throw new SigningKeyConflictError(material.kid);
  }
  const events = decisionEvents({ kind: 'generate-and-activate', alg, retire: state.active[alg] }, now, policy, material);
  const pending = pendingKey(state, alg);
  if (pending !== undefined) {
    const at = new Date(now).toISOString();
    const retired: SigningKeyEvent = { type: 'SigningKeyRetired', data: { kid: pending.kid, alg, retiredAt: at, unpublishAfter: new Date(unpublishAfter(now, policy)).toISOString() } };
    events.splice(1, 0, retired);
  }
  return events;
}
