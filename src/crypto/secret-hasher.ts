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

  /**
   * base64url HMAC-SHA-256 of `data` under a key derived from the pepper for `purpose` alone
   * (HKDF-style: HMAC(pepper, "meshid mac: " + purpose)), for values meshid signs and later
   * checks itself (consent tokens, CSRF tokens). A separate key per purpose means a MAC made for
   * one use is never accepted for another, nor equal to a stored secret's digest.
   */
  mac(purpose: string, data: string): string {
    return createHmac('sha256', this.derivedKey(purpose)).update(data, 'utf8').digest('base64url');
  }

  /**
   * The key `mac` uses for `purpose`, for callers that MAC many values at once (sealing the log)
   * and must not derive it per value. A fresh Buffer: the caller may keep it, never log it.
   */
  derivedKey(purpose: string): Buffer {
    return createHmac('sha256', this.secrets.pepper).update(`meshid mac: ${purpose}`, 'utf8').digest();
  }

  /** Whether `mac` is `mac(purpose, data)`, compared in constant time. */
  verifyMac(purpose: string, data: string, mac: string): boolean {
    // The text itself is compared, not its decoding: base64url decoding skips stray characters
    // and ignores the last character's spare bits, and a MAC must have one spelling only.
    const expected = Buffer.from(this.mac(purpose, data), 'utf8');
    const actual = Buffer.from(mac, 'utf8');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** A new random secret: 32 bytes, base64url (43 characters). */
  static generate(bytes = 32): string {
    return randomBytes(bytes).toString('base64url');
  }
}
