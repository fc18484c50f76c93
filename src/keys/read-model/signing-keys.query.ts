import { Inject, Injectable } from '@nestjs/common';
import type { ReadModelDatabase } from '#projections';
import type { SealedSecret } from '../../crypto/key-encryption.js';
import { READ_MODEL_DATABASE } from '../../storage/storage.tokens.js';
import type { PublicJwk, SigningAlg } from '../domain/signing-keys.events.js';
import type { SigningKeyStatus } from '../domain/signing-keys.evolver.js';

/** One key as `meshid keys list` and the key ring see it (no private material but sealed). */
export interface SigningKeyRow {
  kid: string;
  alg: SigningAlg;
  status: SigningKeyStatus;
  publicJwk: PublicJwk;
  generatedAt: string;
  activateAfter: string;
  activatedAt: string | null;
  retiredAt: string | null;
  unpublishAfter: string | null;
}

interface RawRow extends Omit<SigningKeyRow, 'publicJwk'> {
  publicJwk: string;
  privateKey: string;
}

const SELECT = `SELECT kid, alg, status, public_jwk AS publicJwk, private_key AS privateKey, generated_at AS generatedAt,
  activate_after AS activateAfter, activated_at AS activatedAt, retired_at AS retiredAt, unpublish_after AS unpublishAfter
  FROM signing_keys`;

@Injectable()
export class SigningKeysQuery {
  constructor(@Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase) {}

  /** Every key, oldest first. */
  list(): SigningKeyRow[] {
    return this.rows(`${SELECT} ORDER BY generated_at, kid`).map(({ privateKey: _sealed, ...row }) => row);
  }

  /** The active keys with their sealed private keys, for the key ring only. */
  activeSealed(): Array<SigningKeyRow & { privateKey: SealedSecret }> {
    return this.rows(`${SELECT} WHERE status = 'active'`).map((row) => ({ ...row, privateKey: JSON.parse(row.privateKey) as SealedSecret }));
  }

  private rows(sql: string): Array<Omit<RawRow, 'publicJwk'> & { publicJwk: PublicJwk }> {
    const raw = this.readModels.db.prepare(sql).all() as RawRow[];
    return raw.map((row) => ({ ...row, publicJwk: JSON.parse(row.publicJwk) as PublicJwk }));
  }
}
