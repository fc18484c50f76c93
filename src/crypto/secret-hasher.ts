import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVER_SECRETS } from '../config/config.module.js';
import type { ServerSecrets } from '../config/data-directory.js';

/**
 * Stores high-entropy secrets (client secrets, authorization codes, refresh tokens, registration
 * access tokens) as HMAC-SHA-256 under the server pepper. They are random and 256 bits long, so a
 * slow hash would buy nothing; the pepper keeps a stolen log useless without the data directory.
 * The digest is what events and stream names carry, never the secret.
 */
@Injectable()
export class SecretHasher {
  constructor(@Inject(SERVER_SECRETS) private readonly secrets: ServerSecrets) {}

  /** base64url HMAC-SHA-256 of `secret`, safe for event data and stream names. */
  digest(secret: string): string {
    return createHmac('sha256', this.secrets.pepper).update(secret, 'utf8').digest('base64url');
  }

  /** Whether `secret` hashes to `digest`, compared in constant time. */
  matches(secret: string, digest: string): boolean {
    const actual = Buffer.from(this.digest(secret), 'base64url');
    const expected = Buffer.from(digest, 'base64url');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** A new random secret: 32 bytes, base64url (43 characters). */
  static generate(bytes = 32): string {
    return randomBytes(bytes).toString('base64url');
  }
}
