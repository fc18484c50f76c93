import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { Clock } from '../../common/clock.js';
import { KeyEncryption } from '../../crypto/key-encryption.js';
import { importPrivateKey, jwsSign } from '../domain/key-material.js';
import type { PublicJwk, SigningAlg } from '../domain/signing-keys.events.js';
import { SigningKeysQuery } from './signing-keys.query.js';

/** The key to sign with for one alg. */
export interface ActiveSigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
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
  private published: Array<{ jwk: PublicJwk; until: number }> = [];

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
      this.published = this.query
        .list()
        .filter((row) => row.status !== 'retired' || row.unpublishAfter !== null)
        .map((row) => ({ jwk: row.publicJwk, until: row.status === 'retired' ? Date.parse(row.unpublishAfter!) : Infinity }));
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

  /** JWS signature of `signingInput` with the active key of `alg`, and that key's kid. */
  sign(alg: SigningAlg, signingInput: Buffer | string): { kid: string; signature: Buffer } {
    const key = this.signingKey(alg);
    return { kid: key.kid, signature: jwsSign(alg, key.privateKey, signingInput) };
  }

  /** The published set: pending, active, and retired keys before their `unpublishAfter`. */
  jwks(): Jwks {
    const now = this.clock.now();
    return { keys: this.published.filter((key) => now < key.until).map((key) => key.jwk) };
  }
}
