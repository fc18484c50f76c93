import { createHash, createPrivateKey, generateKeyPair, type KeyObject, sign, verify } from 'node:crypto';
import { promisify } from 'node:util';
import type { PublicJwk, SigningAlg } from './signing-keys.events.js';

const generate = promisify(generateKeyPair);

/** A freshly generated key: the private key stays in memory until it is sealed. */
export interface GeneratedKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  privateKey: KeyObject;
}

/** RS256: RSA 2048; ES256: P-256; EdDSA: Ed25519. Async, so RSA generation never blocks the loop. */
async function generatePair(alg: SigningAlg): Promise<KeyObject> {
  switch (alg) {
    case 'RS256':
      return (await generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 })).privateKey;
    case 'ES256':
      return (await generate('ec', { namedCurve: 'P-256' })).privateKey;
    case 'EdDSA':
      return (await generate('ed25519')).privateKey;
  }
}

/** The members RFC 7638 hashes for each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Record<PublicJwk['kty'], readonly string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/** RFC 7638 JWK SHA-256 thumbprint, base64url: the kid, derived from the public key alone. */
export function jwkThumbprint(jwk: Pick<PublicJwk, 'kty'> & Record<string, unknown>): string {
  const members = THUMBPRINT_MEMBERS[jwk.kty];
  const canonical = `{${members.map((name) => `${JSON.stringify(name)}:${JSON.stringify(jwk[name])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** The public JWK of a private key, with only public members, plus `kid`, `alg` and `use`. */
export function publicJwkOf(privateKey: KeyObject, alg: SigningAlg): PublicJwk {
  const full = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  const kty = full.kty as PublicJwk['kty'];
  const members = THUMBPRINT_MEMBERS[kty].filter((name) => name !== 'kty');
  const publicMembers = Object.fromEntries(members.map((name) => [name, full[name]]));
  const kid = jwkThumbprint({ kty, ...publicMembers });
  return { kty, kid, alg, use: 'sig', ...publicMembers };
}

export async function generateSigningKey(alg: SigningAlg): Promise<GeneratedKey> {
  const privateKey = await generatePair(alg);
  const publicJwk = publicJwkOf(privateKey, alg);
  return { kid: publicJwk.kid, alg, publicJwk, privateKey };
}

/** PKCS#8 DER: what gets sealed (binary, never PEM, never a JWK with `d`). */
export function exportPrivateKey(privateKey: KeyObject): Buffer {
  return privateKey.export({ format: 'der', type: 'pkcs8' });
}

export function importPrivateKey(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/** The JWS signature (RFC 7518) of `signingInput` under `alg`: ES256 as raw r|s, not DER. */
export function jwsSign(alg: SigningAlg, privateKey: KeyObject, signingInput: Buffer | string): Buffer {
  const data = Buffer.from(signingInput);
  switch (alg) {
    case 'RS256':
      return sign('sha256', data, privateKey);
    case 'ES256':
      return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, data, privateKey);
  }
}

/** Verifies a JWS signature against a public key (a KeyObject or a public JWK). */
export function jwsVerify(alg: SigningAlg, publicKey: KeyObject, signingInput: Buffer | string, signature: Buffer): boolean {
  const data = Buffer.from(signingInput);
  switch (alg) {
    case 'RS256':
      return verify('sha256', data, publicKey, signature);
    case 'ES256':
      return verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    case 'EdDSA':
      return verify(null, data, publicKey, signature);
  }
}
