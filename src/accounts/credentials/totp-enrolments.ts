import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { KeyEncryption, KeyEncryptionError, type SealedSecret } from '../../crypto/key-encryption.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { TotpEnrolmentRejectedError } from '../domain/account.errors.js';
import { base32Encode } from './base32.js';
import { newTotpSecret, totpUri } from './totp.js';

/** How long a person has to scan the code and confirm it. */
export const TOTP_ENROLMENT_TTL_MS = 10 * 60_000;
const PURPOSE = 'totp enrolment token';
const MAX_TOKEN_LENGTH = 1024;

export interface TotpEnrolment {
  /** base32, for typing into an authenticator app. */
  secret: string;
  /** otpauth:// URI, for a QR code. */
  uri: string;
  /** Posted back with the first code; carries the secret sealed, bound to the account. */
  enrolmentToken: string;
}

interface TokenBody {
  a: string;
  s: SealedSecret;
  e: number;
}

/**
 * TOTP secrets: a new one offered for enrolment (stateless, the secret travels sealed under the
 * KEK inside a MAC'd token bound to the account), and the form the TotpEnrolled event keeps it
 * in (sealed under the KEK with the account as context, so a ciphertext moved to another account
 * does not open).
 */
@Injectable()
export class TotpSecrets {
  private readonly issuer: string;

  constructor(
    private readonly encryption: KeyEncryption,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
    @Inject(MeshidConfig) config: MeshidConfig,
  ) {
    this.issuer = new URL(config.issuer).host;
  }

  enrolment(account: { accountId: string; login: string }): TotpEnrolment {
    const secret = newTotpSecret();
    const body: TokenBody = { a: account.accountId, s: this.encryption.seal(secret, enrolmentContext(account.accountId)), e: this.clock.now() + TOTP_ENROLMENT_TTL_MS };
    const encoded = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
    const base32 = base32Encode(secret);
    return { secret: base32, uri: totpUri(this.issuer, account.login, base32), enrolmentToken: `${encoded}.${this.hasher.mac(PURPOSE, encoded)}` };
  }

  /** The secret an enrolment token offered to `accountId`; throws TotpEnrolmentRejectedError. */
  openEnrolment(token: unknown, accountId: string): Buffer {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TotpEnrolmentRejectedError('invalid_token');
    const dot = token.lastIndexOf('.');
    const encoded = token.slice(0, Math.max(dot, 0));
    if (dot <= 0 || !this.hasher.verifyMac(PURPOSE, encoded, token.slice(dot + 1))) throw new TotpEnrolmentRejectedError('invalid_token');
    const body = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as TokenBody;
    if (body.a !== accountId) throw new TotpEnrolmentRejectedError('wrong_account');
    if (this.clock.now() > body.e) throw new TotpEnrolmentRejectedError('expired');
    try {
      return this.encryption.open(body.s, enrolmentContext(accountId));
    } catch (error) {
      if (error instanceof KeyEncryptionError) throw new TotpEnrolmentRejectedError('invalid_token');
      throw error;
    }
  }

  seal(secret: Buffer, accountId: string): SealedSecret {
    return this.encryption.seal(secret, storedContext(accountId));
  }

  open(sealed: SealedSecret, accountId: string): Buffer {
    return this.encryption.open(sealed, storedContext(accountId));
  }
}

const enrolmentContext = (accountId: string) => `totp enrolment:${accountId}`;
const storedContext = (accountId: string) => `totp:${accountId}`;
