import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { Clock } from '../../common/clock.js';
import { KeyEncryption } from '../../crypto/key-encryption.js';
import { type JoseHeader, jwsSigningInput, type JwtPayload, parseCompactJws } from '../domain/compact-jws.js';
import { importPrivateKey, jwsSign, jwsVerify } from '../domain/key-material.js';
import type { PublicJwk, SigningAlg } from '../domain/signing-keys.events.js';
import { SigningKeysQuery } from './signing-keys.query.js';

/** The key to sign with for one alg. */
export interface ActiveSigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
}

/** A published verification key: its JWK, and until when it is published (ms). */
interface PublishedKey {
  jwk: PublicJwk;
  publicKey: KeyObject;
  until: number;
}

/** The header and claims of a JWT whose signature a published key verified. */
export interface VerifiedJwt {
  header: JoseHeader;
  payload: JwtPayload;
}

/** A JSON Web Key Set (RFC 7517 §5) of public keys only. */
export interface Jwks {
  keys: PublicJwk[];
}

export class NoActiveSigningKeyError extends Error {
  override readonly name = 'NoActiveSigningKeyError';
  constructor(readonly alg: SigningAlg) {
    super(`no active ${alg} signing key yet (the signing-keys projection has not caught up, or keys were never generated)`);
  }
}

/**
 * The hot path of signing and JWKS: active private keys (opened with the KEK, context = kid) and
 * the published public keys, in memory. Reloaded from the `signing_keys` table whenever the
 * projection commits a change; which retired keys are still published is decided per call, by
 * the clock, so a key leaves JWKS at its `unpublishAfter` with no event.
 */
@Injectable()
export class KeyRing implements OnModuleInit {
  private readonly logger = new Logger('KeyRing');
  private active = new Map<SigningAlg, ActiveSigningKey>();
  private published: PublishedKey[] = [];

  constructor(
    private readonly query: SigningKeysQuery,
    private readonly encryption: KeyEncryption,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.reload();
  }

  /** Re-reads the table; keeps already opened keys, opens new active ones. Never throws. */
  reload(): void {
    try {
      const active = new Map<SigningAlg, ActiveSigningKey>();
      for (const row of this.query.activeSealed()) {
        const known = this.active.get(row.alg);
        const privateKey =
          known?.kid === row.kid ? known.privateKey : importPrivateKey(this.encryption.open(row.privateKey, row.kid));
        active.set(row.alg, { kid: row.kid, alg: row.alg, privateKey });
      }
      this.active = active;
      const known = new Map(this.published.map((key) => [key.jwk.kid, key.publicKey]));
      this.published = this.query
        .list()
        .filter((row) => row.status !== 'retired' || row.unpublishAfter !== null)
        .map((row) => ({
          jwk: row.publicJwk,
          publicKey: known.get(row.kid) ?? createPublicKey({ key: { ...row.publicJwk }, format: 'jwk' }),
          until: row.status === 'retired' ? Date.parse(row.unpublishAfter!) : Infinity,
        }));
    } catch (error) {
      this.logger.error(`could not load signing keys: ${(error as Error).message}`);
    }
  }

  /** The active key of `alg`; throws `NoActiveSigningKeyError` if there is none yet. */
  signingKey(alg: SigningAlg): ActiveSigningKey {
    const key = this.active.get(alg);
    if (!key) throw new NoActiveSigningKeyError(alg);
    return key;
  }

  hasSigningKey(alg: SigningAlg): boolean {
    return this.active.has(alg);
  }

  /** A JWT (compact JWS) of `payload`, signed with the active key of `alg`. */
  signJwt(alg: SigningAlg, typ: string, payload: JwtPayload): string {
    const key = this.signingKey(alg);
    const signingInput = jwsSigningInput({ alg, kid: key.kid, typ }, payload);
    return `${signingInput}.${jwsSign(alg, key.privateKey, signingInput).toString('base64url')}`;
  }

  /**
   * The header and claims of a JWT signed by a key published now, or null. The key is found by
   * `kid`, and the header's alg must be that key's alg and one of `algorithms`, so a token cannot
   * pick how it is verified. Claims (iss, exp, typ, ...) are the caller's to check.
   */
  verifyJwt(token: string, algorithms: readonly SigningAlg[]): VerifiedJwt | null {
    const parsed = parseCompactJws(token);
    if (parsed === null || parsed.header.kid === undefined) return null;
    const now = this.clock.now();
    const key = this.published.find((candidate) => candidate.jwk.kid === parsed.header.kid && now < candidate.until);
    if (key === undefined || key.jwk.alg !== parsed.header.alg || !algorithms.includes(key.jwk.alg)) return null;
    if (!verifies(key, parsed.signingInput, parsed.signature)) return null;
    return { header: parsed.header, payload: parsed.payload };
  }

  /** The published set: pending, active, and retired keys before their `unpublishAfter`. */
  jwks(): Jwks {
    const now = this.clock.now();
    return { keys: this.published.filter((key) => now < key.until).map((key) => key.jwk) };
  }
}

/** A signature node:crypto cannot even parse (wrong length, say) is simply not valid. */
function verifies(key: PublishedKey, signingInput: string, signature: Buffer): boolean {
  try {
    return jwsVerify(key.jwk.alg, key.publicKey, signingInput, signature);
  } catch {
    return false;
  }
}
