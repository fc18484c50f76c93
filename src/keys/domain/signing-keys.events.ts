import type { SealedSecret } from '../../crypto/key-encryption.js';

/** The one stream of every signing key: one stream, so one rotator at a time (see the handlers). */
export const SIGNING_KEYS_STREAM = 'signing-keys';

/** JWS algorithms meshid signs with; one active key each. */
export const SIGNING_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value);
}

/** A public JWK as published in JWKS: never a private member (`d`, `p`, `q`, ...). */
export type PublicJwk = {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  alg: SigningAlg;
  use: 'sig';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
};

/**
 * A key enters JWKS here, before it signs anything. `privateKey` is its PKCS#8 DER sealed under
 * the KEK with the kid as context: the private key never appears in clear in the log.
 * Times are ISO-8601.
 */
export type SigningKeyGenerated = {
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  privateKey: SealedSecret;
  generatedAt: string;
  /** Earliest time it may be activated: the pre-publication delay after `generatedAt`. */
  activateAfter: string;
};

/** From here on, the key signs for its alg; appended with the retirement of the previous one. */
export type SigningKeyActivated = { kid: string; alg: SigningAlg; activatedAt: string };

/** Signs no more; stays in JWKS until `unpublishAfter`, when every token it signed has expired. */
export type SigningKeyRetired = { kid: string; alg: SigningAlg; retiredAt: string; unpublishAfter: string };

export type SigningKeyEvent =
  | { type: 'SigningKeyGenerated'; data: SigningKeyGenerated }
  | { type: 'SigningKeyActivated'; data: SigningKeyActivated }
  | { type: 'SigningKeyRetired'; data: SigningKeyRetired };

export const SIGNING_KEY_EVENT_TYPES: ReadonlyArray<SigningKeyEvent['type']> = [
  'SigningKeyGenerated',
  'SigningKeyActivated',
  'SigningKeyRetired',
];
